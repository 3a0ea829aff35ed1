"""Offline title search with a year scores only that year's movies (importers search
thousands of titles with years); the result must be the year-less ranking, filtered."""

from __future__ import annotations

import pytest

from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.catalog.title_search import TitleEntry, TitleIndex

QUERIES = ["godfather", "godfater", "the", "Hamlet", "love", "star wars", "Amelie", "alien", "a"]
YEARS = [1972, 1979, 1996, 2001, 2009, 1800]


@pytest.mark.parametrize("query", QUERIES)
def test_year_search_is_the_full_ranking_filtered_by_year(
    offline_catalog: OfflineCatalog, query: str
) -> None:
    entries = _entries(offline_catalog)
    years = {entry.movie_id: entry.year for entry in entries}
    index = TitleIndex(entries)
    everything = index.search(query, limit=10_000)
    for year in YEARS:
        expected = [movie_id for movie_id in everything if years[movie_id] == year]
        assert index.search(query, year=year, limit=10_000) == expected


def test_small_index() -> None:
    index = TitleIndex([
        TitleEntry(1, "Solaris", 1972, 5.0),
        TitleEntry(2, "Solaris", 2002, 9.0),
        TitleEntry(3, "Solaris Dreams", 1972, 1.0),
        TitleEntry(4, "Untitled", None, 1.0),
    ])  # fmt: skip
    assert index.search("solaris") == [2, 1, 3]
    assert index.search("solaris", year=1972) == [1, 3]
    assert index.search("solaris", year=1999) == []
    assert index.search("untitled", year=None) == [4]
    assert index.search("solaris", limit=1) == [2]


def _entries(catalog: OfflineCatalog) -> list[TitleEntry]:
    movies = []
    page = 1
    while True:
        listed = catalog.popular(page)
        movies += listed.movies
        if page >= listed.total_pages:
            break
        page += 1
    return [TitleEntry(m.id, m.title, m.year, m.popularity or 0) for m in movies]
