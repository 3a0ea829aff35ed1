"""`python -m reelmatch import ...` and `export ...`, in-process, on both databases."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services
from reelmatch.store.models import UserMovieRow
from tests.imports.support import FIXTURES, letterboxd_export_zip
from tests.imports.test_service import count
from tests.support.cli import run_cli


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, db_url: str, services: Services) -> Services:
    monkeypatch.setenv("DATABASE_URL", db_url)
    services.users.create_user(username="amy", password="password1")
    return services


@pytest.fixture
def export_zip(tmp_path: Path) -> Path:
    path = tmp_path / "letterboxd-export.zip"
    path.write_bytes(letterboxd_export_zip().data)
    return path


def test_import_prints_preview_counts_and_progress(cli_env: Services, export_zip: Path) -> None:
    outcome = run_cli("import", "letterboxd", str(export_zip), "--user", "amy")
    assert outcome.code == 0, outcome.err
    assert "Not matched (3)" in outcome.out
    assert "Parasite (2019)" in outcome.out
    assert "Imported: 6 rated, 2 watchlisted, 8 diary entries; 0 unchanged" in outcome.out
    assert "Matching: 100%" in outcome.err
    assert "Saving: 100%" in outcome.err

    again = run_cli("import", "letterboxd", str(export_zip), "--user", "amy")
    assert "Imported: 0 rated, 0 watchlisted, 0 diary entries; 9 unchanged" in again.out


def test_dry_run_json_writes_nothing(cli_env: Services, export_zip: Path) -> None:
    outcome = run_cli(
        "import", "letterboxd", str(export_zip), "--user", "amy", "--dry-run", "--json"
    )
    assert outcome.code == 0, outcome.err
    data = outcome.json()
    assert data["result"] is None
    assert data["preview"]["changes"]["new_ratings"] == 6
    assert {u["title"] for u in data["preview"]["unmatched"]} == {"Heat", "Parasite"}
    matched = data["preview"]["matched"][0]
    assert set(matched) == {"where", "title", "year", "actions", "movie_id", "movie", "method"}
    assert count(cli_env, UserMovieRow) == 0


def test_import_folder_and_other_formats(cli_env: Services) -> None:
    outcome = run_cli(
        "import", "imdb", str(FIXTURES / "imdb" / "ratings.csv"), "--user", "amy", "--json"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.json()["result"]["rated"] == 3
    assert outcome.json()["preview"]["skipped"] == {
        "IMDb titles that are not movies (series, episodes, games)": 1
    }
    folder = run_cli(
        "import", "letterboxd", str(FIXTURES / "letterboxd"), "--user", "amy", "--json"
    )
    assert folder.json()["result"]["diary_entries"] == 8
    ratings = str(FIXTURES / "movielens" / "ratings.csv")
    movielens = run_cli("import", "movielens", ratings, "--user", "amy")
    assert movielens.code == 2
    assert "--source-user" in movielens.err
    ok = run_cli("import", "movielens", ratings, "--user", "amy", "--source-user", "2", "--json")
    assert ok.json()["result"]["rated"] == 2


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("letterboxd", b"just some words\n", "not a Letterboxd export"),
        ("trakt", b"{broken", "not valid JSON"),
        ("imdb", b"PK\x03\x04garbage", "zip"),
        ("letterboxd", b"PK\x03\x04garbage", "not a readable zip"),
        ("localstorage", b"[]", "old browser app"),
    ],
)
def test_bad_files_exit_2_and_write_nothing(
    cli_env: Services, tmp_path: Path, fmt: str, content: bytes, message: str
) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    outcome = run_cli("import", fmt, str(path), "--user", "amy")
    assert outcome.code == 2
    assert message in outcome.err
    assert "Traceback" not in outcome.err
    assert count(cli_env, UserMovieRow) == 0


def test_import_errors_for_paths_users_and_formats(cli_env: Services, tmp_path: Path) -> None:
    missing = run_cli("import", "letterboxd", str(tmp_path / "nope.csv"), "--user", "amy")
    assert (missing.code, "There is no file" in missing.err) == (2, True)
    ghost = run_cli("import", "letterboxd", str(FIXTURES / "letterboxd"), "--user", "ghost")
    assert (ghost.code, "no user called" in ghost.err) == (2, True)
    wrong = run_cli("import", "netflix", str(tmp_path), "--user", "amy")
    assert wrong.code == 2


def test_upload_limit_applies_to_the_cli(
    cli_env: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REELMATCH_MAX_UPLOAD_MB", "0.001")
    big = tmp_path / "ratings.csv"
    big.write_bytes((FIXTURES / "letterboxd" / "ratings.csv").read_bytes() * 5)
    outcome = run_cli("import", "letterboxd", str(big), "--user", "amy")
    assert outcome.code == 2
    assert "uploads are limited to 1 KB" in outcome.err


def test_export_formats(cli_env: Services, export_zip: Path, tmp_path: Path) -> None:
    assert run_cli("import", "letterboxd", str(export_zip), "--user", "amy").code == 0
    exported = run_cli("export", "amy", "--format", "json").json()
    assert len(exported["ratings"]) == 6

    letterboxd = run_cli("export", "amy", "--format", "letterboxd")
    table = list(csv.DictReader(io.StringIO(letterboxd.out, newline="")))
    assert {row["Title"] for row in table} >= {"The Godfather", "Amélie", "Spirited Away"}

    target = tmp_path / "out" / "amy.csv"
    target.parent.mkdir()
    written = run_cli("export", "amy", "--format", "csv", "--output", str(target))
    assert written.code == 0, written.err
    assert target.read_text(encoding="utf-8").startswith("section,tmdb_id,title")
    assert [p.name for p in target.parent.iterdir()] == ["amy.csv"]  # no partial file left
    assert run_cli("export", "amy", "--format", "xml").code == 2
