"""Contacts: where a contact came from and when it opted out; a promise's successor

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("do_not_contact_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("do_not_contact_message_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_contact_source_message_id_message", "message", ["source_message_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_contact_do_not_contact_message_id_message",
            "message",
            ["do_not_contact_message_id"],
            ["id"],
        )
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_promise_superseded_by_id_promise", "promise", ["superseded_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.drop_constraint("fk_promise_superseded_by_id_promise", type_="foreignkey")
        batch_op.drop_column("superseded_by_id")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_constraint("fk_contact_source_message_id_message", type_="foreignkey")
        batch_op.drop_constraint("fk_contact_do_not_contact_message_id_message", type_="foreignkey")
        batch_op.drop_column("do_not_contact_message_id")
        batch_op.drop_column("do_not_contact_at")
        batch_op.drop_column("source_message_id")
