"""Alembic environment of the review app: runs on the connection handed over by ``db.migrate``."""
from alembic import context

from myoclonus.review.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - command-line alembic use
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
