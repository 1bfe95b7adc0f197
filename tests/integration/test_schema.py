"""The schema Alembic builds is exactly the one the models describe, on both databases."""
import os
import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.database import make_engine
from app.migrate import upgrade
from app.models import metadata


@pytest.fixture
def fresh_url(backend, tmp_path, db):  # db: marks the test for the PostgreSQL pass
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    import psycopg
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"pos_migrate_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrated_schema_equals_models(fresh_url):
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_twice_is_harmless(fresh_url):
    upgrade(fresh_url)
    upgrade(fresh_url)
