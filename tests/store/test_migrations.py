"""Alembic is the only way the schema changes: head must equal the models, base must be empty."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from reelmatch.store.database import create_database_engine
from reelmatch.store.migrate import current_revision, downgrade, head_revision, upgrade
from reelmatch.store.models import Base


def _differences(url: str) -> list[object]:
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_database_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_head_schema_matches_the_models(db_url: str) -> None:
    assert current_revision(db_url) == head_revision()
    assert _differences(db_url) == []


def test_downgrade_to_base_and_back(db_url: str) -> None:
    downgrade(db_url, "base")
    assert _tables(db_url) <= {"alembic_version"}
    upgrade(db_url)
    assert {"users", "movies", "user_movies", "watches", "preferences"} <= _tables(db_url)
    assert _differences(db_url) == []


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    upgrade(db_url)
    assert current_revision(db_url) == head_revision()
