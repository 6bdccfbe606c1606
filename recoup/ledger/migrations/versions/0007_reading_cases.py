"""Risk flags on messages; people's readings of customer messages (reading cases)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_flags", sa.JSON(), nullable=True))
    op.create_table(
        "readingcorrection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("intent", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("finding", sa.JSON(), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalation.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("readingcorrection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_readingcorrection_message_id"), ["message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("readingcorrection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readingcorrection_message_id"))
    op.drop_table("readingcorrection")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("risk_flags")
