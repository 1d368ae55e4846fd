"""Alembic environment: the URL comes from the caller (surveillance.warehouse.db.upgrade)."""

from alembic import context

from surveillance.warehouse.db import get_engine
from surveillance.warehouse.models import Base

config = context.config
url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")

with get_engine(url).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
