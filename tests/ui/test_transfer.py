"""Settings → Import (upload, preview, confirm) and Export: the Settings page alone."""

from __future__ import annotations

import io
import zipfile

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui import routing
from tests.conftest import ROOT
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
LETTERBOXD = ROOT / "tests" / "fixtures" / "imports" / "letterboxd"


def letterboxd_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("ratings.csv", "diary.csv", "watched.csv", "watchlist.csv"):
            archive.write(LETTERBOXD / name, arcname=name)
    return buffer.getvalue()


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_import_letterboxd_preview_then_confirm(services: Services, alice: User) -> None:
    at = page_app(routing.SETTINGS, services, alice)
    at.file_uploader[0].set_value(("letterboxd.zip", letterboxd_zip(), "application/zip")).run()
    _button(at, "Preview import").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Matched"]) >= 5
    assert int(metrics["Not matched"]) >= 1  # Heat is not in the offline catalog
    assert services.library.library(alice).ratings == ()  # nothing written before confirming

    _button(at, "Confirm import").click().run()
    assert not at.exception
    assert "Imported:" in texts(at)
    titles = {e.movie.title for e in services.library.library(alice).ratings}
    assert {"The Godfather", "Spirited Away"} <= titles
    assert "Heat" not in titles


def test_reimporting_changes_nothing(services: Services, alice: User) -> None:
    for _ in range(2):
        at = page_app(routing.SETTINGS, services, alice)
        at.file_uploader[0].set_value(("letterboxd.zip", letterboxd_zip(), "application/zip"))
        at.run()
        _button(at, "Preview import").click().run()
        if "Confirm import" in [b.label for b in at.button]:
            _button(at, "Confirm import").click().run()
    assert "already in your library" in texts(at)


def test_a_broken_file_is_a_message(services: Services, alice: User) -> None:
    at = page_app(routing.SETTINGS, services, alice)
    at.file_uploader[0].set_value(
        ("ratings.zip", b"PK\x03\x04 not really a zip", "application/zip")
    )
    at.run()
    _button(at, "Preview import").click().run()
    assert not at.exception
    assert at.warning or at.error
    assert services.library.library(alice).ratings == ()


def test_export_offers_every_format(services: Services, alice: User) -> None:
    services.library.rate_movie(alice, 238, 4.5)
    at = page_app(routing.SETTINGS, services, alice)
    assert not at.exception
    assert "Download Everything (JSON)" in [b.label for b in at.get("download_button")]
    at.radio(key="export-format").set_value("letterboxd").run()
    assert "Download Letterboxd import (CSV)" in [b.label for b in at.get("download_button")]
