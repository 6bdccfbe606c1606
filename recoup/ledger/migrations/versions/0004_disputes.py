"""Disputes to their end: kind (dispute or deduction), the owner's SLA and reminder, where
the owner was told, and how the dispute ended

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="dispute",
            )
        )
        batch_op.add_column(sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("reminded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("notify_ref", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.add_column(
            sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column("outcome_note", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.add_column(sa.Column("credit_memo_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_dispute_credit_memo_id", "creditmemo", ["credit_memo_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.drop_constraint("fk_dispute_credit_memo_id", type_="foreignkey")
        for column in (
            "credit_memo_id", "resolved_by", "outcome_note", "outcome", "notify_ref",
            "reminded_at", "due_at", "kind",
        ):  # fmt: skip
            batch_op.drop_column(column)
