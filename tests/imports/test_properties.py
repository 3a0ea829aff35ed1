"""Property tests: whatever bytes arrive, every parser either refuses the file with
`InvalidInput` or returns rows that make sense plus per-row problems; never another exception.

Inputs: random bytes, CSV and JSON shaped like the real exports but with malformed cells,
missing/extra/shuffled columns, duplicate lines, any line ending, BOMs and wrong encodings,
random zips, and files beyond the size and row limits."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelmatch.errors import InvalidInput
from reelmatch.services.imports import (
    IMPORT_FORMATS,
    ImportLimits,
    ParsedImport,
    UploadedFile,
    parse_upload,
)
from tests.imports.support import build_zip

SMALL = ImportLimits(max_upload_bytes=200_000, max_rows=300, max_uncompressed_bytes=2_000_000)
PROPERTY = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

LETTERBOXD = "Date,Name,Year,Letterboxd URI"
IMDB = (
    "Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,"
    "Release Date,Directors"
)
#: The real header of each file each CSV format reads.
HEADERS = {
    "letterboxd": {
        "ratings.csv": f"{LETTERBOXD},Rating",
        "diary.csv": f"{LETTERBOXD},Rating,Rewatch,Tags,Watched Date",
        "watched.csv": LETTERBOXD,
        "watchlist.csv": LETTERBOXD,
        "reviews.csv": f"{LETTERBOXD},Rating,Rewatch,Review,Tags,Watched Date",
        "import.csv": "tmdbID,imdbID,Title,Year,Rating,Rating10,WatchedDate,Rewatch,Review",
    },
    "imdb": {
        "ratings.csv": f"Const,Your Rating,Date Rated,{IMDB}",
        "watchlist.csv": f"Position,Const,Created,Modified,Description,{IMDB},Your Rating",
    },
    "movielens": {
        "ratings.csv": "userId,movieId,rating,timestamp",
        "links.csv": "movieId,imdbId,tmdbId",
        "movies.csv": "movieId,title,genres",
    },
}  # fmt: skip
JSON_NAMES = {
    "trakt": ["watched-history.json", "ratings-movies.json", "lists-watchlist.json", "x.json"],
    "localstorage": ["reelmatch.json"],
}
#: Believable values by column (matched on a word in the column name).
PLAUSIBLE = {
    "userid": ["1", "1", "1", "2", "x"],
    "date": ["2024-01-15", "2023-02-29", "2024-01-15T20:00:00Z", "Mon Jan 08 00:00:00 2018", "x"],
    "name": ["The Godfather", "Amélie", "Crouching Tiger, Hidden Dragon", "Godfather, The (1972)"],
    "title": ["The Godfather", "Amélie", "Le fabuleux destin d'Amélie Poulain", "'=1+1", "Heat"],
    "year": ["1972", "2001", "1799", "20001", "1972.0"],
    "rating": ["5", "4.5", "0.5", "10", "11", "0", "4.25", "-1", "inf"],
    "rewatch": ["Yes", "", "No"],
    "const": ["tt0068646", "tt123", "nm0000001"],
    "id": ["238", "1", "0", "-4", "99999999999", "1.0"],
    "type": ["Movie", "movie", "TV Series", "tvEpisode", "Video Game"],
    "timestamp": ["1700000000", "-99999999999999", "soon"],
}  # fmt: skip

cell = st.one_of(
    st.sampled_from(["", "4.5", "3", "10", "0", "-1", "1972", "2024-02-29", "2024-13-45",
                     "tt0068646", "238", "Yes", "The Godfather", "nan", "1e400", "=1+1",
                     "9999999999999999999999", "Amélie", "\x00", '"', "a,b", "line\nbreak"]),
    st.text(max_size=30),
)  # fmt: skip
encoding = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"])
line_end = st.sampled_from(["\n", "\r\n", "\r"])


def check(fmt: str, files: list[UploadedFile], *, limits: ImportLimits = SMALL) -> None:
    """The property: InvalidInput, or a result whose rows and problems are sane."""
    try:
        parsed = parse_upload(fmt, files, limits=limits, source_user=1)
    except InvalidInput as error:
        refused: InvalidInput | None = error
    else:
        refused = None
        assert_sane(parsed, limits)
    if refused is not None:
        assert refused.message
        assert "Traceback" not in refused.message


def assert_sane(parsed: ParsedImport, limits: ImportLimits) -> None:
    assert len(parsed.rows) <= limits.max_rows
    assert parsed.problem_count >= len(parsed.problems)
    latest = date.today() + timedelta(days=1)
    for row in parsed.rows:
        assert row.line >= 1
        assert row.title == row.title.strip()
        assert not any(ord(ch) < 32 for ch in row.title)
        assert row.title or row.tmdb_id or row.imdb_id
        if row.rating is not None:
            assert 0.5 <= row.rating <= 5
            assert row.rating * 2 == int(row.rating * 2)
        if row.watched_on is not None:
            assert date(1870, 1, 1) <= row.watched_on <= latest
        if row.tmdb_id is not None:
            assert 0 < row.tmdb_id < 2**31
        assert row.note is None or len(row.note) <= 2000
    for problem in parsed.problems:
        assert problem.message
        assert problem.line >= 0


@st.composite
def csv_files(draw: st.DrawFn, fmt: str) -> list[UploadedFile]:
    """CSV files with the real headers of `fmt`, sometimes damaged (a column dropped, an
    unknown one added, the order shuffled), believable cells mixed with junk, duplicate rows."""
    names = list(HEADERS[fmt])
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    if fmt == "movielens":
        chosen = list(dict.fromkeys(["ratings.csv", *chosen, "links.csv"]))
    files = []
    for name in chosen:
        header = HEADERS[fmt][name].split(",")
        if draw(st.integers(0, 7)) == 0:
            header = draw(st.permutations(header))[: draw(st.integers(0, len(header)))]
            header += draw(st.lists(st.text(max_size=8), max_size=2))
        rows = draw(st.lists(st.tuples(*(_cell_for(c) for c in header)).map(list), max_size=25))
        rows = [row + draw(st.lists(cell, max_size=2)) for row in rows]  # ragged rows
        rows += draw(st.lists(st.sampled_from(rows), max_size=5)) if rows else []  # duplicates
        files.append(UploadedFile(name, _encode_csv(draw, [header, *rows])))
    return files


def _cell_for(column: str) -> st.SearchStrategy[str]:
    words = [key for key in PLAUSIBLE if key in column.casefold()]
    if not words:
        return cell
    return st.one_of(
        st.sampled_from(PLAUSIBLE[words[0]]), st.sampled_from(PLAUSIBLE[words[0]]), cell
    )


def _encode_csv(draw: st.DrawFn, table: list[list[str]]) -> bytes:
    end = draw(line_end)
    text = end.join(",".join(_quote(c, draw) for c in row) for row in table)
    return text.encode(draw(encoding), errors="replace")


def _quote(value: str, draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return '"' + value.replace('"', '""') + '"'
    return value  # unquoted: commas, quotes and newlines break the row on purpose


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
movie_object = st.fixed_dictionaries(
    {},
    optional={
        "title": json_value | st.just("The Godfather"),
        "year": json_value | st.just(1972),
        "ids": st.fixed_dictionaries(
            {},
            optional={"tmdb": json_value | st.just(238), "imdb": json_value | st.just("tt0068646")},
        )
        | json_value,
        "id": json_value | st.just(238),
        "release_date": json_value | st.just("1972-03-14"),
        "rating": json_value | st.sampled_from([1, 4.5, 9, 11, "5"]),
    },
)
trakt_item = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["movie", "movie", "movie", "show", "episode"]) | json_value,
        "movie": movie_object | json_value,
        "watched_at": st.sampled_from(["2024-01-01T10:00:00.000Z", "2023-02-03", "", "x"]),
        "rated_at": st.just("2024-01-01T10:00:00Z") | json_value,
        "listed_at": st.just("2024-01-01T10:00:00Z"),
        "rating": st.integers(-2, 12) | json_value,
    },
)


@st.composite
def json_files(draw: st.DrawFn, fmt: str) -> list[UploadedFile]:
    name = draw(st.sampled_from(JSON_NAMES[fmt]))
    if fmt == "trakt":
        data: Any = draw(st.lists(trakt_item, max_size=15) | json_value)
    else:
        movies = st.lists(movie_object | json_value, max_size=15)
        data = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "rated-movies": movies | movies.map(json.dumps) | json_value,
                    "want-to-watch": movies | json_value,
                    "preferences": st.dictionaries(st.text(max_size=15), json_value) | json_value,
                },
            )
            | json_value
        )
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    return [UploadedFile(name, text.encode(draw(encoding), errors="replace"))]


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
@PROPERTY
@given(data=st.binary(max_size=3000), name=st.sampled_from(["ratings.csv", "x.json", "x.zip"]))
def test_random_bytes(fmt: str, data: bytes, name: str) -> None:
    check(fmt, [UploadedFile(name, data)])


@pytest.mark.parametrize("fmt", ["letterboxd", "imdb", "movielens"])
@PROPERTY
@given(data=st.data())
def test_malformed_csv(fmt: str, data: st.DataObject) -> None:
    check(fmt, data.draw(csv_files(fmt)))


@pytest.mark.parametrize("fmt", ["trakt", "localstorage"])
@PROPERTY
@given(data=st.data())
def test_malformed_json(fmt: str, data: st.DataObject) -> None:
    check(fmt, data.draw(json_files(fmt)))


@pytest.mark.parametrize("fmt", ["letterboxd", "trakt"])
@PROPERTY
@given(data=st.data())
def test_random_zips(fmt: str, data: st.DataObject) -> None:
    """Zips of export-named members holding damaged content (and junk members)."""
    inner = data.draw(csv_files(fmt) if fmt == "letterboxd" else json_files(fmt))
    members = {data.draw(st.sampled_from(["", "export/", "deleted/", "../"])) + f.name: f.data
               for f in inner}  # fmt: skip
    junk_name = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=12)
    members |= data.draw(st.dictionaries(junk_name, st.binary(max_size=50), max_size=3))
    check(fmt, [UploadedFile("export.zip", build_zip(members))])


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
@PROPERTY
@given(data=st.binary(min_size=30, max_size=3000))
def test_corrupted_zips(fmt: str, data: bytes) -> None:
    """A real zip with random bytes written over part of it."""
    good = build_zip({"ratings.csv": b"Date,Name,Year,Letterboxd URI,Rating\n" * 50})
    cut = len(data) % len(good)
    check(fmt, [UploadedFile("export.zip", good[:cut] + data + good[cut + len(data) :])])


@pytest.mark.parametrize("fmt", ["letterboxd", "imdb", "movielens"])
def test_huge_files_are_refused_by_size_or_rows(fmt: str) -> None:
    header = {"letterboxd": "Date,Name,Year,Letterboxd URI,Rating",
              "imdb": "Const,Your Rating,Title,Year",
              "movielens": "userId,movieId,rating,timestamp"}[fmt]  # fmt: skip
    row = {"letterboxd": "2024-01-01,Alien {n},1979,u,4",
           "imdb": "tt{n:07d},8,Alien,1979",
           "movielens": "1,{n},4.0,1700000000"}[fmt]  # fmt: skip
    many = "\n".join([header, *(row.format(n=n) for n in range(1, 400))]).encode()
    links = UploadedFile(
        "links.csv",
        "\n".join(["movieId,imdbId,tmdbId", *(f"{n},,{n}" for n in range(1, 400))]).encode(),
    )
    files = [UploadedFile("ratings.csv", many), links][: 2 if fmt == "movielens" else 1]
    with pytest.raises(InvalidInput, match="more than 300 rows"):
        parse_upload(fmt, files, limits=SMALL, source_user=1)
    huge = many * (SMALL.max_upload_bytes // len(many) + 1)
    with pytest.raises(InvalidInput, match="uploads are limited to"):
        parse_upload(fmt, [UploadedFile("ratings.csv", huge)], limits=SMALL)
