"""The Letterboxd parser (and the CSV/encoding handling every CSV format shares) on
hand-written files in Letterboxd's real export formats."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reelmatch.errors import InvalidInput
from reelmatch.services.imports import ImportLimits, UploadedFile, parse_upload
from tests.imports.support import build_zip, fixture, letterboxd_export_zip, titles

LIMITS = ImportLimits()


def parse(fmt: str, *files: UploadedFile, source_user: int | None = None):  # type: ignore[no-untyped-def]
    return parse_upload(fmt, list(files), limits=LIMITS, source_user=source_user)


# Letterboxd -----------------------------------------------------------------------------------


def test_letterboxd_ratings_csv() -> None:
    parsed = parse("letterboxd", fixture("letterboxd", "ratings.csv"))
    assert titles(parsed.rows) == [
        "The Godfather",
        "Amélie",
        "Crouching Tiger, Hidden Dragon",
        "Heat",
        "Amour",
        "Wall-E",
        "Spirited Away",
    ]
    first = parsed.rows[0]
    assert (first.year, first.rating, first.rating_is_current) == (1972, 5.0, True)
    assert first.rated_at == datetime(2023, 11, 2, tzinfo=UTC)
    assert (first.source, first.line) == ("ratings.csv", 2)
    assert parsed.problems == ()
    assert parsed.notices == ()


def test_letterboxd_export_zip_reads_the_export_files_and_nothing_else() -> None:
    parsed = parse("letterboxd", letterboxd_export_zip())
    assert parsed.files == (
        "diary.csv",
        "reviews.csv",
        "watched.csv",
        "watchlist.csv",
        "ratings.csv",
        "lists/favourites.csv",  # a list without films: read, and skipped with a notice
    )
    assert "lists/favourites.csv is a list without films; it was skipped." in parsed.notices
    assert "Braveheart" not in titles(parsed.rows)  # deleted/diary.csv is not the diary
    diary = [r for r in parsed.rows if r.source == "diary.csv"]
    assert [(r.title, r.watched_on, r.rating, r.rewatch) for r in diary[:2]] == [
        ("The Godfather", date(2023, 11, 1), 4.5, False),
        ("The Godfather", date(2024, 3, 9), 5.0, True),
    ]
    assert not any(r.rating_is_current for r in diary)
    review = next(r for r in parsed.rows if r.source == "reviews.csv")
    assert review.note == "Even better on 35mm.\nThe wedding scene, again."
    assert review.watched_on == date(2024, 3, 9)
    watched = [r for r in parsed.rows if r.source == "watched.csv"]
    assert all(r.seen_only and r.watched_on for r in watched)
    watchlist = [r for r in parsed.rows if r.source == "watchlist.csv"]
    assert titles(watchlist) == ["Blade Runner", "Mad Max: Fury Road", "Parasite"]
    assert all(r.watchlist and r.rating is None for r in watchlist)


def test_letterboxd_zip_with_one_folder_is_read() -> None:
    data = fixture("letterboxd", "ratings.csv").data
    bundle = UploadedFile("export.zip", build_zip({"letterboxd-filmfan/ratings.csv": data}))
    assert len(parse("letterboxd", bundle).rows) == 7


def test_letterboxd_zip_without_export_files_is_refused() -> None:
    bundle = UploadedFile("export.zip", build_zip({"notes.txt": b"hello"}))
    with pytest.raises(InvalidInput, match="none of"):
        parse("letterboxd", bundle)


def test_letterboxd_import_csv_with_ids_and_escaped_cells() -> None:
    text = (
        "tmdbID,Title,Year,Rating,WatchedDate,Rewatch\r\n"
        "238,The Godfather,1972,5,2024-03-09,Yes\r\n"
        '999,\'=HYPERLINK("x"),2001,3.5,,\r\n'
        ",Alien,1979,,2024-02-20,\r\n"
        "550,Fight Club,1999,,,\r\n"
    )
    parsed = parse("letterboxd", UploadedFile("letterboxd.csv", text.encode()))
    assert [(r.tmdb_id, r.title, r.rating, r.watched_on, r.rewatch) for r in parsed.rows] == [
        (238, "The Godfather", 5.0, date(2024, 3, 9), True),
        (999, '=HYPERLINK("x")', 3.5, None, False),
        (None, "Alien", None, date(2024, 2, 20), False),
    ]
    assert [(p.line, p.message) for p in parsed.problems] == [
        (5, "nothing to import (no rating and no watched date)")
    ]


def test_letterboxd_rating10_column() -> None:
    text = "Title,Year,Rating10\nThe Godfather,1972,9\n"
    parsed = parse("letterboxd", UploadedFile("import.csv", text.encode()))
    assert parsed.rows[0].rating == 4.5


def test_letterboxd_malformed_rows_are_problems_with_line_numbers() -> None:
    text = (
        "Date,Name,Year,Letterboxd URI,Rating\n"
        "2024-01-01,Alien,1979,u,4\n"
        "2024-01-02,,1979,u,4\n"  # no name
        "2024-01-03,Alien,19x9,u,4\n"  # bad year
        "2024-01-04,Alien,1979,u,4.3\n"  # not a half star
        "2024-01-05,Alien,1979,u,9\n"  # out of range
        "2024-01-06,Alien,1979,u\n"  # missing rating cell
        "2024-01-07,Alien\n"  # short row: no year is fine, no rating is not
        "2024-01-08,Se7en,1995,u,3,extra,cells\n"  # extra cells are ignored
        "2024-01-01,Alien,1979,u,4\n"  # duplicate line
    )
    parsed = parse("letterboxd", UploadedFile("ratings.csv", text.encode()))
    assert [(r.title, r.line) for r in parsed.rows] == [("Alien", 2), ("Se7en", 9)]
    assert [p.line for p in parsed.problems] == [3, 4, 5, 6, 7, 8]
    assert parsed.problems[1].message == "'19x9' is not a year"
    assert "half stars" in parsed.problems[2].message
    assert parsed.problems[3].where == "ratings.csv line 6"
    assert parsed.duplicates == 1
    assert parsed.skipped_count == 6


def test_multiline_cells_keep_line_numbers_right() -> None:
    text = (
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
        '2024-01-01,Alien,1979,u,4,,"line one\nline two\nline three",,2024-01-01\n'
        "2024-01-02,Alien,1979,u,9,,short,,2024-01-02\n"
    )
    parsed = parse("letterboxd", UploadedFile("reviews.csv", text.encode()))
    assert parsed.rows[0].note == "line one\nline two\nline three"
    assert [p.line for p in parsed.problems] == [5]


@pytest.mark.parametrize(
    ("encoding", "prefix", "notice"),
    [
        ("utf-8", b"", False),
        ("utf-8", b"\xef\xbb\xbf", False),
        ("utf-16-le", b"\xff\xfe", False),
        ("utf-16-be", b"\xfe\xff", False),
        ("cp1252", b"", True),
    ],
)
def test_encodings(encoding: str, prefix: bytes, notice: bool) -> None:
    text = "Date,Name,Year,Letterboxd URI,Rating\r\n2024-01-01,Amélie,2001,u,4.5\r\n"
    parsed = parse("letterboxd", UploadedFile("ratings.csv", prefix + text.encode(encoding)))
    assert titles(parsed.rows) == ["Amélie"]
    assert bool(parsed.notices) is notice
    if notice:
        assert "Windows-1252" in parsed.notices[0]


def test_undecodable_bytes_fall_back_to_latin1() -> None:
    data = "Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Caf\x81,2001,u,4\n".encode("latin-1")
    parsed = parse("letterboxd", UploadedFile("ratings.csv", data))
    assert titles(parsed.rows) == ["Caf"]  # the control character is dropped
    assert "Latin-1" in parsed.notices[0]


def test_missing_columns_are_named() -> None:
    data = b"Date,Name,Year,Letterboxd URI\n2024-01-01,Alien,1979,u\n"
    with pytest.raises(InvalidInput, match="no Rating column"):
        parse("letterboxd", UploadedFile("ratings.csv", data))


def test_a_file_that_is_not_letterboxd_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a Letterboxd export"):
        parse("letterboxd", UploadedFile("stuff.csv", b"a,b,c\n1,2,3\n"))
    with pytest.raises(InvalidInput, match="empty"):
        parse("letterboxd", UploadedFile("ratings.csv", b""))
