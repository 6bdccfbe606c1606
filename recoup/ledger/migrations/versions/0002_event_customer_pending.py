"""An index for one account's pending events (the runner and the follow-up lookups).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_event_customer_pending", "event", ["customer_id", "processed_at", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_event_customer_pending", table_name="event")
