"""Alembic environment.

At run time ``persistence.db.migrate_database`` hands over its connection through
``config.attributes["connection"]``. Developers can also run the CLI on a file:
``alembic -x db=dev.sqlite revision --autogenerate -m "…"``.
"""

from alembic import context
from sqlalchemy import create_engine

from asr_desktop.persistence.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    db = context.get_x_argument(as_dictionary=True).get("db", "dev.sqlite")
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as con:
        _run(con)
