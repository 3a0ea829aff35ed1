"""`build_catalog` / `build_services` pick the backend from the settings and pass the event
sink down to the TMDB client."""

from __future__ import annotations

from pathlib import Path

from reelmatch.bootstrap import build_catalog, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.catalog.tmdb import TmdbCatalog
from reelmatch.config import load_settings
from reelmatch.store.migrate import upgrade
from tests.support.events import RecordingEvents
from tests.support.fake_tmdb import API_KEY, READ_TOKEN, FakeTmdb


def test_no_credentials_means_the_offline_catalog() -> None:
    assert isinstance(build_catalog(load_settings()), OfflineCatalog)


def test_credentials_mean_live_tmdb(fake_tmdb: FakeTmdb) -> None:
    for credentials in ({"TMDB_API_KEY": API_KEY}, {"TMDB_READ_ACCESS_TOKEN": READ_TOKEN}):
        settings = load_settings(TMDB_API_BASE=fake_tmdb.base_url, **credentials)
        catalog = build_catalog(settings)
        assert isinstance(catalog, TmdbCatalog)
        assert catalog.popular().movies
        catalog.close()
    assert fake_tmdb.requests("movie/popular") == 2


def test_services_record_api_calls_and_write_through_from_tmdb(
    fake_tmdb: FakeTmdb, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(url)
    settings = load_settings(
        DATABASE_URL=url, TMDB_API_BASE=fake_tmdb.base_url, TMDB_API_KEY=API_KEY
    )
    events = RecordingEvents()
    services = build_services(settings, events=events, bcrypt_rounds=4)
    try:
        assert services.catalog.mode == "tmdb"
        user = services.users.create_user(username="amy", password="password1")
        services.library.rate_movie(user, 550, 4.5)
        library = services.library.library(user)
        assert [(e.movie.title, e.rating) for e in library.ratings] == [("Fight Club", 4.5)]
        assert fake_tmdb.requests("movie/550") == 1
        assert events.api_calls(endpoint="movie/{id}", cache="miss", status=200)
        assert services.cache.stats()["kinds"]["movie"]["misses"] == 1
    finally:
        services.close()
