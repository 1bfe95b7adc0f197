"""Alembic environment: the database URL comes from the settings (config.toml and
POS_DATABASE_URL), or from the caller (core.migrate); SQLite uses batch mode."""
from alembic import context

from core.database import make_engine
from app.models import metadata

config = context.config


def _url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url
    from core.settings import load_settings
    return load_settings().database.url


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, drop, rename). With foreign keys on, dropping
            # a table that other rows point at fails, so they are switched off for the
            # migration (outside any transaction, where the pragma takes effect) and the
            # references are checked afterwards instead.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=sqlite, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
