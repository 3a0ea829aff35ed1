"""Reaching the PostgreSQL and Redis that run on this machine (and failing loudly in CI)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from reelmatch.store.models import Base


def require_services(name: str, url: str) -> None:
    """In CI (`REELMATCH_REQUIRE_SERVICES=1`) a missing service fails the test run."""
    if os.environ.get("REELMATCH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required (REELMATCH_REQUIRE_SERVICES=1) but not reachable: {url}")


def reachable_postgres(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def postgres_url_for_schema(base: str, schema: str) -> tuple[str, Callable[[], None]]:
    """Create `schema`; return a URL whose connections use it, and a function dropping it."""
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def truncate_all(url: str) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
