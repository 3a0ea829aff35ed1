"""The app's services run the metadata refresher on live TMDB, and stop it when Streamlit
drops them (a cache clear)."""

from __future__ import annotations

import pytest
import streamlit as st

from reelmatch.ui.state import get_services
from tests.support.fake_tmdb import FakeTmdb

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_live_app_services_run_the_refresher_until_released(live_tmdb: FakeTmdb) -> None:
    services = get_services()
    assert services.catalog.mode == "tmdb"
    assert services.metadata_thread.running
    assert get_services() is services  # one thread per process, not per session
    st.cache_resource.clear()
    assert not services.metadata_thread.running


def test_offline_app_services_run_no_thread(app_env: str) -> None:
    services = get_services()
    assert services.catalog.mode == "offline"
    assert not services.metadata_thread.running
