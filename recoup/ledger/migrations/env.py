from alembic import context
from sqlmodel import SQLModel

from recoup.ledger import models  # noqa: F401
from recoup.ledger.connectors.sync import tables  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("recoup runs its migrations through recoup.ledger.db.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
