"""Services on live TMDB: the real client and cache, pointed at the loopback fake TMDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.config import load_settings
from tests.support.fake_tmdb import API_KEY, FakeTmdb


@pytest.fixture
def live(db_url: str, tmp_path: Path, fake_tmdb: FakeTmdb) -> Iterator[Services]:
    """Import this fixture (with `fake_tmdb` and `tmdb_server`) into a test module or conftest."""
    settings = load_settings(
        DATABASE_URL=db_url,
        REELMATCH_DATA_DIR=str(tmp_path / "var"),
        TMDB_API_KEY=API_KEY,
        TMDB_API_BASE=fake_tmdb.base_url,
        REELMATCH_TMDB_RETRIES=0,
    )
    services = build_services(settings, bcrypt_rounds=4)
    yield services
    services.close()
