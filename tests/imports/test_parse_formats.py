"""IMDb, Trakt, old browser app and MovieLens parsers on hand-written files in their real
export formats."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reelmatch.errors import InvalidInput
from reelmatch.services.imports import ImportLimits, UploadedFile, parse_upload
from reelmatch.services.imports.sources.movielens import split_title
from tests.imports.support import build_zip, fixture

LIMITS = ImportLimits()


def parse(fmt: str, *files: UploadedFile, source_user: int | None = None):  # type: ignore[no-untyped-def]
    return parse_upload(fmt, list(files), limits=LIMITS, source_user=source_user)


# IMDb -----------------------------------------------------------------------------------------


def test_imdb_ratings() -> None:
    parsed = parse("imdb", fixture("imdb", "ratings.csv"))
    got = [(r.imdb_id, r.title, r.rating, r.year) for r in parsed.rows]
    assert got == [
        ("tt0068646", "The Godfather", 5.0, 1972),
        ("tt0110912", "Pulp Fiction", 4.5, 1994),
        ("tt0211915", "Amélie", 4.0, 2001),
        ("tt0113277", "Heat", 3.5, 1995),
    ]
    assert parsed.rows[2].original_title == "Le fabuleux destin d'Amélie Poulain"
    assert parsed.rows[0].rated_at == datetime(2023, 5, 1, tzinfo=UTC)
    assert parsed.skipped == (("IMDb titles that are not movies (series, episodes, games)", 1),)
    assert [(p.line, p.message) for p in parsed.problems] == [
        (7, "no rating (Your Rating)"),
        (8, "rating '11' is not 1–10 in whole numbers"),
    ]


def test_imdb_old_export_without_original_title() -> None:
    parsed = parse("imdb", fixture("imdb", "ratings-old.csv"))
    assert [(r.title, r.rating) for r in parsed.rows] == [
        ("2001: A Space Odyssey", 4.5),
        ("Taxi Driver", 4.0),
    ]
    assert parsed.skipped_count == 1


def test_imdb_watchlist() -> None:
    parsed = parse("imdb", fixture("imdb", "watchlist.csv"))
    assert [(r.imdb_id, r.watchlist, r.rating) for r in parsed.rows] == [
        ("tt0083658", True, None),
        ("tt1392190", True, None),
        ("tt6751668", True, None),
    ]


def test_imdb_refuses_other_files() -> None:
    with pytest.raises(InvalidInput, match="no Const column"):
        parse("imdb", fixture("letterboxd", "ratings.csv"))
    with pytest.raises(InvalidInput, match="zip"):
        parse("imdb", UploadedFile("x.zip", build_zip({"ratings.csv": b"Const\n"})))


# Trakt ----------------------------------------------------------------------------------------


def test_trakt_history_marks_rewatches_and_skips_episodes() -> None:
    parsed = parse("trakt", fixture("trakt", "watched-history.json"))
    got = [(r.tmdb_id, r.watched_on, r.rewatch, r.line) for r in parsed.rows]
    assert got == [
        (238, date(2024, 3, 9), True, 1),
        (238, date(2023, 11, 1), False, 3),
        (27205, date(2023, 10, 15), False, 4),
    ]
    assert parsed.rows[0].imdb_id == "tt0068646"
    assert parsed.skipped_count == 1


def test_trakt_ratings_and_watchlist() -> None:
    parsed = parse(
        "trakt", fixture("trakt", "ratings-movies.json"), fixture("trakt", "lists-watchlist.json")
    )
    ratings = [(r.tmdb_id, r.rating) for r in parsed.rows if r.rating is not None]
    assert ratings == [(238, 5.0), (27205, 4.5), (550, 3.5), (99999901, 3.0), (99999902, 4.0)]
    assert [p.where for p in parsed.problems] == ["ratings-movies.json item 6"]
    assert [r.tmdb_id for r in parsed.rows if r.watchlist] == [78]
    assert dict(parsed.skipped) == {
        "Trakt entries that are not movies (shows, seasons, episodes)": 1
    }


def test_trakt_zip_and_detection_by_content() -> None:
    history = fixture("trakt", "watched-history.json").data
    bundle = UploadedFile("trakt-export.zip", build_zip({"export/watched-history.json": history}))
    assert len(parse("trakt", bundle).rows) == 3
    renamed = UploadedFile("my-history.json", history)
    assert len(parse("trakt", renamed).rows) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"a": 1}', "expected a JSON list"),
        (b"[1, 2]", "not one of Trakt"),
        (b"[" * 5000 + b"]" * 5000, "not valid JSON"),
    ],
)
def test_trakt_bad_files(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse("trakt", UploadedFile("export.json", data))


# The old browser app ------------------------------------------------------------------------


def test_localstorage_export() -> None:
    parsed = parse("localstorage", fixture("localstorage", "reelmatch-localstorage.json"))
    rated = [(r.tmdb_id, r.title, r.rating, r.year) for r in parsed.rows if r.rating]
    assert rated == [(238, "The Godfather", 5.0, 1972), (603, "The Matrix", 3.5, 1999)]
    assert parsed.rows[0].rated_at == datetime(2024, 1, 2, 10, tzinfo=UTC)
    assert [r.tmdb_id for r in parsed.rows if r.watchlist] == [78, 680]
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "the movie has no id and no title"),
        (4, "rating '4.2' is not 0.5–5 in half stars"),
    ]
    assert parsed.preferences == {
        "favourite_genres": [18, "Science Fiction", "Not A Genre"],
        "region": "gb",
        "language": "en",
        "include_adult": False,
    }


def test_localstorage_ten_point_ratings_are_halved() -> None:
    data = b'{"rated-movies": [{"id": 238, "title": "The Godfather", "rating": 9}]}'
    parsed = parse("localstorage", UploadedFile("ls.json", data))
    assert parsed.rows[0].rating == 4.5
    assert "1–10" in parsed.notices[0]


@pytest.mark.parametrize("data", [b"[]", b'{"other": 1}', b'"text"'])
def test_localstorage_refuses_other_json(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="old browser app"):
        parse("localstorage", UploadedFile("ls.json", data))


# MovieLens ------------------------------------------------------------------------------------


def movielens_files() -> list[UploadedFile]:
    return [fixture("movielens", name) for name in ("ratings.csv", "links.csv", "movies.csv")]


def test_movielens_needs_a_user_when_the_file_has_several() -> None:
    with pytest.raises(InvalidInput, match="2 MovieLens users"):
        parse("movielens", *movielens_files())
    with pytest.raises(InvalidInput, match="no MovieLens user 7"):
        parse("movielens", *movielens_files(), source_user=7)


def test_movielens_one_user() -> None:
    parsed = parse("movielens", *movielens_files(), source_user=1)
    got = [(r.tmdb_id, r.imdb_id, r.title, r.year, r.rating) for r in parsed.rows]
    assert got == [
        (238, "tt0068646", "The Godfather", 1972, 5.0),
        (680, "tt0110912", "Pulp Fiction", 1994, 4.5),
        (603, "tt0133093", "The Matrix", 1999, 4.0),
        (949, "tt0113277", "Heat", 1995, 3.0),
        (None, "tt0112715", "Congo", 1995, 2.5),
    ]
    assert parsed.rows[0].rated_at == datetime.fromtimestamp(1700000000, UTC)


def test_movielens_needs_links_or_titles() -> None:
    with pytest.raises(InvalidInput, match=r"links\.csv"):
        parse("movielens", fixture("movielens", "ratings.csv"), source_user=1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Godfather, The (1972)", ("The Godfather", 1972)),
        ("Toy Story (1995)", ("Toy Story", 1995)),
        ("Misérables, Les (1995)", ("Les Misérables", 1995)),
        ("Homme, L' (2005)", ("L'Homme", 2005)),
        ("Babylon 5", ("Babylon 5", None)),
        ("Fawlty Towers (1975-1979)", ("Fawlty Towers", 1975)),
    ],
)
def test_movielens_titles(raw: str, expected: tuple[str, int | None]) -> None:
    assert split_title(raw) == expected


def test_unknown_format_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Unknown import format"):
        parse("netflix", fixture("letterboxd", "ratings.csv"))
