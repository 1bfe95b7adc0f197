"""Alembic, driven from code: ``upgrade`` is run on start and by ``run.py migrate``."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from core.settings import REPO_ROOT


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    return cfg


def known_revisions() -> set[str]:
    """Every revision of migrations/: a database at one of them can be upgraded to head."""
    script = ScriptDirectory.from_config(alembic_config(""))
    return {r.revision for r in script.walk_revisions()}


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str) -> None:
    """Autogenerate a new migration from the difference between models and database."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
