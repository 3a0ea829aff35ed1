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


RATINGS_CSV = (
    "Date,Name,Year,Letterboxd URI,Rating\n"
    "2023-11-02,The Godfather,1972,https://boxd.it/2aHi,5\n"
    "2019-05-01,Spirited Away,2001,https://boxd.it/2a1m,3.5\n"
    "2023-11-03,Amélie,2001,https://boxd.it/1Ifa,4.5\n"
).encode()


def test_preview_shows_stars_warns_about_replaced_ratings_and_clears_after_confirm(
    services: Services, alice: User
) -> None:
    services.library.rate_movie(alice, 238, 5)  # The Godfather: the same as the file
    services.library.rate_movie(alice, 129, 4.5)  # Spirited Away: the file says 3.5
    at = page_app(routing.SETTINGS, services, alice)
    at.file_uploader[0].set_value(("ratings.csv", RATINGS_CSV, "text/csv")).run()
    _button(at, "Preview import").click().run()
    assert not at.exception
    matched = at.dataframe[0].value
    assert "4.5★" in set(matched["actions"])
    [warning] = [w.value for w in at.warning]
    assert "replaces 1 rating you already have" in warning
    assert "your 4.5★ becomes 3.5★ (rated 2019-05-01)" in warning

    _button(at, "Confirm import").click().run()
    assert not at.exception
    assert "Confirm import" not in [b.label for b in at.button]
    assert not at.metric  # the preview is gone
    assert not at.file_uploader[0].value  # so are the imported files
    [done] = [s.value for s in at.success]
    assert done.startswith("Imported: 2 ratings,")
    assert "1 was already here" in done
    assert {e.movie.id: e.rating for e in services.library.library(alice).ratings}[129] == 3.5


def test_a_refused_upload_leaves_no_progress_bar(services: Services, alice: User) -> None:
    at = page_app(routing.SETTINGS, services, alice)
    at.file_uploader[0].set_value(("ratings.zip", b"PK\x03\x04 not a zip", "application/zip"))
    at.run()
    _button(at, "Preview import").click().run()
    assert at.warning or at.error
    assert not at.get("progress")
