"""A real app (`streamlit run app.py`) on a free port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import TIMEOUT
from tests.conftest import ROOT
from tests.support.net import free_port, wait_for_http

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: `make screenshots` sets this to docs/screenshots; otherwise they go to the test's temp dir.
SCREENSHOT_DIR = "REELMATCH_SCREENSHOT_DIR"


@dataclass
class LiveApp:
    url: str
    data_dir: Path
    database_url: str
    screenshots: Path


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("REELMATCH_REQUIRE_SERVICES") == "1":
        pytest.fail("Chromium is required in CI (REELMATCH_REQUIRE_SERVICES=1): /usr/bin/chromium")
    pytest.skip("Chromium is not installed (apt-get install -y chromium); browser tests skipped")


def _app_env(data_dir: Path, database_url: str) -> dict[str, str]:
    """This environment without keys or services of its own, on the test's data."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TMDB_", "OPENAI_", "REDIS_", "DATABASE_"))
    }
    env.update(
        REELMATCH_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        REELMATCH_SECRETS_FILE=str(data_dir / "none.toml"),
    )
    return env


@contextmanager
def serving(
    data_dir: Path, env: dict[str, str], *, port: int, args: Sequence[str] = ()
) -> Iterator[str]:
    """Migrate the database, then `streamlit run app.py` on `port` until the block ends; yields
    the app's URL. Its output is kept in `data_dir/streamlit.log` for the caller to check."""
    subprocess.run(
        [sys.executable, "-m", "reelmatch", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log = (data_dir / "streamlit.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", expect=b"ok")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("browser") / "var"
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{data_dir / 'reelmatch.db'}"
    with serving(data_dir, _app_env(data_dir, database_url), port=free_port()) as url:
        shots = Path(os.environ.get(SCREENSHOT_DIR) or data_dir / "screenshots")
        shots.mkdir(parents=True, exist_ok=True)
        yield LiveApp(url, data_dir, database_url, shots)
    output = (data_dir / "streamlit.log").read_text(errors="replace")
    assert "Traceback" not in output, output


@contextmanager
def new_tab(browser: Any) -> Iterator[Any]:
    """A page in a browser context of its own (no shared cookies or storage)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_app: LiveApp, request: pytest.FixtureRequest) -> Iterator[Any]:
    with new_tab(browser) as tab:
        yield tab
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:  # keep what the browser saw, for the log
            shot = live_app.data_dir / f"failed-{request.node.name}.png"
            tab.screenshot(path=str(shot))
            print(f"screenshot of the failure: {shot}")


@pytest.fixture
def other(browser: Any) -> Iterator[Any]:
    """A second browser, for tests of two people, or one person on two devices."""
    with new_tab(browser) as tab:
        yield tab


def run_cli(app: LiveApp, *args: str, stdin: str | None = None) -> None:
    """`python -m reelmatch ...` against the test server's database."""
    subprocess.run(
        [sys.executable, "-m", "reelmatch", *args],
        cwd=ROOT,
        env=_app_env(app.data_dir, app.database_url),
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )
