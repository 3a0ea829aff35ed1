from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> Iterator[None]:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_home_shows_the_installation_status(
    services: Services, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Database" in text
    assert "sqlite" in text
    assert "offline catalog" in text
    assert "in-process" in text
    assert any("not endorsed or certified by TMDB" in c.value for c in at.caption)
