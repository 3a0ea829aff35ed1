"""AppTest fixtures: one page with services the test built (tests/support/pages.py), or the
whole app (tests/support/apptest.py) with its own services, configured by the environment,
on a temp SQLite database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from tests.support.fake_tmdb import API_KEY, FakeTmdb, fake_tmdb, tmdb_server
from tests.support.live import live

__all__ = ["fake_tmdb", "live", "tmdb_server"]


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> Iterator[None]:
    """st.cache_resource/st.cache_data are process-wide: each test starts clean. Clearing
    the resource cache closes the services a whole-app test built (their `on_release`), so
    no TMDB client is left for the garbage collector to complain about in a later test."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, db_url: str) -> Iterator[str]:
    """Point the whole app's own settings (read from the environment) at the test database.

    The services the app builds run background work (the in-process jobs, the event
    recorder's flush) against that database, so they are closed here, before `db_url`
    empties it: PostgreSQL's TRUNCATE deadlocked with a job still writing."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    yield db_url
    st.cache_resource.clear()


@pytest.fixture
def live_tmdb(monkeypatch: pytest.MonkeyPatch, fake_tmdb: FakeTmdb, app_env: str) -> FakeTmdb:
    """Run the whole app on live TMDB: the real client, pointed at the loopback fake."""
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    monkeypatch.setenv("TMDB_API_BASE", fake_tmdb.base_url)
    monkeypatch.setenv("REELMATCH_TMDB_RETRIES", "0")
    return fake_tmdb


@pytest.fixture
def alice(services: Services, app_env: str) -> User:
    return services.users.create_user(username="alice", password="alice-password")


def texts(at: AppTest) -> str:
    """Everything readable on the page, for assertions about what a person would see."""
    parts = [
        e.value
        for kind in (
            "title",
            "header",
            "subheader",
            "markdown",
            "caption",
            "info",
            "warning",
            "error",
            "success",
        )
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def session_user(at: AppTest) -> str | None:
    """The username the app's session is logged in as, or None."""
    state = at.session_state
    if "authentication_status" not in state or not state["authentication_status"]:
        return None
    return str(state["username"])
