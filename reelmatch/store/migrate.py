"""Apply Alembic migrations programmatically (the CLI's `db upgrade`, `make run`, tests)."""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.pool import NullPool

from reelmatch.store.database import create_database_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url  # not a main option: "%" in passwords stays literal
    return config


#: The PostgreSQL advisory locks `upgrade` holds are keyed by this plus the database and
#: schema, so installations sharing a server do not wait for each other.
MIGRATION_LOCK_NAME = "reelmatch-migrations"


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply the migrations up to `revision`; returns the revisions before and after. Holds a
    lock meanwhile (a PostgreSQL advisory lock; a lock file next to a SQLite database), so
    processes that start together take turns: the first migrates, the others find nothing
    left to do."""
    with migration_lock(url):
        before = current_revision(url)
        command.upgrade(alembic_config(url), revision)
        return before, current_revision(url)


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    engine = create_database_engine(url, poolclass=NullPool)
    try:
        database = engine.url.database
        if engine.dialect.name == "postgresql":
            with _advisory_lock(engine):
                yield
        elif engine.dialect.name == "sqlite" and database and database != ":memory:":
            with _file_lock(Path(f"{database}.migrate-lock")):
                yield
        else:
            yield
    finally:
        engine.dispose()


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    """A session-level advisory lock, held on its own connection while others migrate."""
    where = f"{MIGRATION_LOCK_NAME}:{engine.url.database}:{engine.url.query.get('options', '')}"
    key = {"key": zlib.crc32(where.encode())}
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
            connection.commit()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
