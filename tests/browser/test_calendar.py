"""The release calendar in a real browser on live TMDB (the loopback fake): the `.ics`
download parses as iCalendar."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveApp, _app_env, _require_chromium, run_cli
from tests.browser.pages import click, idle, log_in, see
from tests.conftest import ROOT
from tests.support.fake_tmdb import API_KEY, FakeTmdb
from tests.support.net import free_port, wait_for_http

FIGHT_CLUB = 550


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTmdb]:
    with FakeTmdb() as server:
        server.release_dates[FIGHT_CLUB] = [
            {
                "iso_3166_1": "US",
                "release_dates": [{"release_date": "2040-03-07T00:00:00.000Z", "type": 4}],
            }
        ]
        yield server


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, fake: FakeTmdb) -> Iterator[LiveApp]:
    """The app on live TMDB (the fake), not the offline snapshot the other browser tests use."""
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("calendar") / "var"
    database_url = f"sqlite:///{data_dir / 'reelmatch.db'}"
    env = _app_env(data_dir, database_url)
    subprocess.run([sys.executable, "-m", "reelmatch", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip
    env.update(TMDB_API_KEY=API_KEY, TMDB_API_BASE=fake.base_url, REELMATCH_TMDB_RETRIES="0")
    port = free_port()
    with (data_dir / "streamlit.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", expect=b"ok")
            yield LiveApp(f"http://127.0.0.1:{port}", data_dir, database_url, data_dir)
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert "Traceback" not in (data_dir / "streamlit.log").read_text(errors="replace")


def test_the_calendar_download_parses_as_icalendar(page: Page, live_app: LiveApp) -> None:
    run_cli(live_app, "users", "add", "cal", "--password-stdin", stdin="calendar-2026\n")
    run_cli(live_app, "watchlist", "add", "cal", str(FIGHT_CLUB))
    log_in(page, live_app.url, "cal", "calendar-2026")
    page.goto(f"{live_app.url}/calendar")
    idle(page)
    see(page, "March 2040")
    with page.expect_download() as download:
        click(page, "Download .ics")
    assert download.value.suggested_filename == "reelmatch-releases.ics"
    parsed = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == "Fight Club (digital release)"
    assert event.decoded("dtstart") == date(2040, 3, 7)
