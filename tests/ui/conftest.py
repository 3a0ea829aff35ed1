"""AppTest fixtures: the real app script against real services on a temp SQLite database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services, build_services
from reelmatch.domain import User
from reelmatch.ui import state
from tests.conftest import ROOT
from tests.support.fake_tmdb import API_KEY, FakeTmdb, fake_tmdb, tmdb_server

__all__ = ["fake_tmdb", "tmdb_server"]

APP = str(ROOT / "tests" / "ui" / "entry.py")
PAGES = ROOT / "pages"


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """st.cache_resource/st.cache_data are process-wide: each test starts clean, and the
    services the app built are closed afterwards (an unclosed TMDB client's sockets would
    otherwise be garbage-collected, with a ResourceWarning, in the middle of a later test)."""
    built: list[Services] = []

    def build_and_remember() -> Services:
        built.append(build_services())
        return built[-1]

    monkeypatch.setattr(state, "build_services", build_and_remember)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    for services in built:
        services.close()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    """Point the app's own settings (read from the environment) at the test database."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


@pytest.fixture
def live_tmdb(monkeypatch: pytest.MonkeyPatch, fake_tmdb: FakeTmdb, app_env: str) -> FakeTmdb:
    """Run the app on live TMDB: the real client, pointed at the loopback fake."""
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    monkeypatch.setenv("TMDB_API_BASE", fake_tmdb.base_url)
    monkeypatch.setenv("REELMATCH_TMDB_RETRIES", "0")
    return fake_tmdb


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def logged_in(user: User, *, page: str | None = None, **query: str) -> AppTest:
    """An AppTest whose session is already logged in as `user` (what a valid cookie or the
    login form leaves in session state)."""
    at = new_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user.username
    at.session_state["name"] = user.display_name
    at.session_state["roles"] = [user.role]
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(str(PAGES / page)).run()
    return at


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
