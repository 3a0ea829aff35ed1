"""One cookie signing key per installation: replicas on other hosts (other data directories)
share the one stored in the database; a single SQLite process keeps its file key."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelmatch.config import load_settings
from reelmatch.services.cookie_key import CookieKey, shared_deployment
from reelmatch.store.database import Database


@pytest.mark.postgres
def test_replicas_on_two_hosts_share_one_key(postgres_schema_url: str, tmp_path: Path) -> None:
    keys = []
    for host in ("host-a", "host-b"):
        settings = load_settings(
            DATABASE_URL=postgres_schema_url, REELMATCH_DATA_DIR=str(tmp_path / host)
        )
        assert shared_deployment(settings)
        database = Database.from_url(postgres_schema_url)
        keys.append(CookieKey(settings, database.unit_of_work)())
        database.dispose()
        assert not (tmp_path / host / "cookie_key").exists()  # never per host
    assert keys[0] == keys[1]
    assert len(keys[0]) >= 32


def test_redis_makes_sqlite_shared_and_a_file_key_seeds_it(db_url: str, tmp_path: Path) -> None:
    single = load_settings(DATABASE_URL=db_url, REELMATCH_DATA_DIR=str(tmp_path / "var"))
    database = Database.from_url(db_url)
    file_key = CookieKey(single, database.unit_of_work)()  # one process: the data directory's file
    if not shared_deployment(single):
        assert (tmp_path / "var" / "cookie_key").read_text() == file_key
    grown = load_settings(
        DATABASE_URL=db_url,
        REELMATCH_DATA_DIR=str(tmp_path / "var"),
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert CookieKey(grown, database.unit_of_work)() == file_key  # the move logs nobody out
    elsewhere = load_settings(
        DATABASE_URL=db_url, REELMATCH_DATA_DIR=str(tmp_path / "other"), REDIS_URL=grown.redis_url
    )
    assert CookieKey(elsewhere, database.unit_of_work)() == file_key
    database.dispose()


def test_the_setting_wins(db_url: str, tmp_path: Path) -> None:
    set_key = "k" * 40
    settings = load_settings(
        DATABASE_URL=db_url, REELMATCH_DATA_DIR=str(tmp_path), REELMATCH_COOKIE_KEY=set_key
    )
    database = Database.from_url(db_url)
    assert CookieKey(settings, database.unit_of_work)() == set_key
    database.dispose()
