"""Services on live TMDB: the real client and cache, pointed at the loopback fake TMDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.config import load_settings
from tests.support.fake_tmdb import API_KEY, FakeTmdb


def live_services(db_url: str, tmp_path: Path, fake_tmdb: FakeTmdb, **settings: str) -> Services:
    """Services on the fake TMDB, no retries; `settings` override more (by variable name)."""
    return build_services(
        load_settings(
            DATABASE_URL=db_url,
            REELMATCH_DATA_DIR=str(tmp_path / "var"),
            TMDB_API_KEY=API_KEY,
            TMDB_API_BASE=fake_tmdb.base_url,
            REELMATCH_TMDB_RETRIES=0,
            **settings,
        ),
        bcrypt_rounds=4,
    )


@pytest.fixture
def live(db_url: str, tmp_path: Path, fake_tmdb: FakeTmdb) -> Iterator[Services]:
    """Import this fixture (with `fake_tmdb` and `tmdb_server`) into a test module or conftest."""
    services = live_services(db_url, tmp_path, fake_tmdb)
    yield services
    services.close()
