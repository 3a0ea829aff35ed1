"""Rows to catalog movies: by TMDB id when the export has one, by IMDb id through TMDB's `find`,
else by title + year through `search` with a strictness check, so "Heat (1995)" never lands on
"The Heat (2013)".

Each distinct id or (title, year) is looked up once, on a bounded thread pool (the live catalog
is HTTP). The progress callback is only ever called from the calling thread, so a Streamlit
progress bar can be driven from it. Catalog failures (`UpstreamUnavailable`) propagate: an
import half-matched because TMDB was down would silently lose rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from rapidfuzz import fuzz

from reelmatch.catalog.title_search import normalise
from reelmatch.domain import Movie, MovieDetails, MoviePage
from reelmatch.services.imports.records import ImportRow

MatchMethod = Literal["tmdb id", "imdb id", "title and year", "title"]
Progress = Callable[[float, str], None]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: rapidfuzz ratio (0–100) from which two normalised titles count as the same title.
CLOSE_TITLE = 90.0
ID_BATCH = 50
_ARTICLES = ("the ", "a ", "an ")


class MatchCatalog(Protocol):
    """The part of `Catalog` matching needs."""

    def movies(self, movie_ids: list[int]) -> Sequence[MovieDetails]: ...

    def find_by_imdb_id(self, imdb_id: str) -> MovieDetails | None: ...

    def search(self, query: str, *, year: int | None = None, page: int = 1) -> MoviePage: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchedRow:
    row: ImportRow
    movie: Movie
    method: MatchMethod


@dataclass(frozen=True, slots=True, kw_only=True)
class UnmatchedRow:
    row: ImportRow
    reason: str


@dataclass(frozen=True, slots=True)
class TitleKey:
    title: str
    year: int | None
    original_title: str | None = None

    @classmethod
    def of(cls, row: ImportRow) -> TitleKey | None:
        if not normalise(row.title) and not row.original_title:
            return None
        original = row.original_title if row.original_title != row.title else None
        return cls(row.title, row.year, original)


class MovieMatcher:
    def __init__(self, catalog: MatchCatalog, *, workers: int = 8) -> None:
        self._catalog = catalog
        self._workers = max(1, workers)

    def match(
        self, rows: Sequence[ImportRow], *, progress: Progress | None = None
    ) -> tuple[list[MatchedRow], list[UnmatchedRow]]:
        counter = _Counter(_estimate_lookups(rows), progress)
        tmdb_ids = _unique(row.tmdb_id for row in rows)
        by_tmdb = self._by_tmdb_ids(tmdb_ids, counter)
        pending = [row for row in rows if row.tmdb_id not in by_tmdb]
        imdb_ids = _unique(row.imdb_id for row in pending)
        by_imdb = self._lookup(self._catalog.find_by_imdb_id, imdb_ids, counter, "IMDb ids")
        pending = [row for row in pending if by_imdb.get(row.imdb_id or "") is None]
        keys = _unique(TitleKey.of(row) for row in pending)
        by_title = self._lookup(self._by_title, keys, counter, "titles")
        matched, unmatched = [], []
        for row in rows:
            found = _found(row, by_tmdb, by_imdb, by_title)
            if found is None:
                unmatched.append(UnmatchedRow(row=row, reason=_reason(row)))
            else:
                matched.append(MatchedRow(row=row, movie=found[0], method=found[1]))
        counter.finish()
        return matched, unmatched

    def _by_tmdb_ids(self, ids: list[int], counter: _Counter) -> dict[int, Movie]:
        found: dict[int, Movie] = {}
        for start in range(0, len(ids), ID_BATCH):
            batch = ids[start : start + ID_BATCH]
            for movie in self._catalog.movies(batch):
                found[movie.id] = movie.summary() if isinstance(movie, MovieDetails) else movie
            counter.tick(len(batch), "Looking up TMDB ids")
        return found

    def _lookup(
        self, lookup: Callable[[K], V], keys: list[K], counter: _Counter, what: str
    ) -> dict[K, V]:
        """`lookup` for every key on the thread pool; the first error cancels the rest."""
        results: dict[K, V] = {}
        if not keys:
            return results
        with ThreadPoolExecutor(max_workers=min(self._workers, len(keys))) as pool:
            futures: dict[Future[V], K] = {pool.submit(lookup, key): key for key in keys}
            try:
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    counter.tick(1, f"Looking up {what}")
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return results

    def _by_title(self, key: TitleKey) -> tuple[Movie, MatchMethod] | None:
        """The catalog's best acceptable hit: searching with the year, then the years either
        side (catalogs disagree by one year around New Year releases and festivals), then the
        original title. A year-restricted search is precise on TMDB (a bare "Hamlet" has more
        than 20 hits) and cheap offline."""
        queries: list[tuple[str | None, int | None]]
        if key.year is None:
            queries = [(key.title, None), (key.original_title, None)]
        else:
            years = (key.year, key.year - 1, key.year + 1)
            queries = [(key.title, y) for y in years] + [(key.original_title, key.year)]
        method: MatchMethod = "title" if key.year is None else "title and year"
        for query, year in queries:
            if not query or not normalise(query):
                continue
            best = best_candidate(key, self._catalog.search(query, year=year).movies)
            if best is not None:
                return (best, method)
        return None


def best_candidate(key: TitleKey, candidates: Iterable[Movie]) -> Movie | None:
    """The candidate whose title is the same (or very close, when the year confirms it) and
    whose year is equal or one off; exact years and titles first, then catalog order. Without
    a year only an exact title is accepted."""
    wanted = [normalise(t) for t in (key.title, key.original_title) if t]
    ranked = []
    for index, movie in enumerate(candidates):
        closeness = title_closeness(wanted, normalise(movie.title))
        if key.year is None:
            if closeness == 2:
                ranked.append(((0, 0, index), movie))
            continue
        if closeness and movie.year is not None and abs(movie.year - key.year) <= 1:
            ranked.append(((abs(movie.year - key.year), -closeness, index), movie))
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def title_closeness(wanted: list[str], candidate: str) -> int:
    """2: the same normalised title; 1: the same but for a leading article or a near-identical
    spelling; 0: another title."""
    if candidate in wanted:
        return 2
    bare = _without_article(candidate)
    for title in wanted:
        if _without_article(title) == bare or fuzz.ratio(title, candidate) >= CLOSE_TITLE:
            return 1
    return 0


def _without_article(title: str) -> str:
    for article in _ARTICLES:
        if title.startswith(article):
            return title[len(article) :]
    return title


def _found(
    row: ImportRow,
    by_tmdb: dict[int, Movie],
    by_imdb: dict[str, MovieDetails | None],
    by_title: dict[TitleKey, tuple[Movie, MatchMethod] | None],
) -> tuple[Movie, MatchMethod] | None:
    if row.tmdb_id is not None and row.tmdb_id in by_tmdb:
        return (by_tmdb[row.tmdb_id], "tmdb id")
    found = by_imdb.get(row.imdb_id) if row.imdb_id else None
    if found is not None:
        return (found.summary(), "imdb id")
    key = TitleKey.of(row)
    return by_title.get(key) if key is not None else None


def _reason(row: ImportRow) -> str:
    if normalise(row.title):
        year = f" ({row.year})" if row.year else ""
        return f"no movie called “{row.title}”{year} in the catalog"
    if row.tmdb_id is not None:
        return f"TMDB id {row.tmdb_id} is not in the catalog"
    return f"IMDb id {row.imdb_id} is not known to the catalog and the row has no title"


def _estimate_lookups(rows: Sequence[ImportRow]) -> int:
    """Lookups if every id is found: TMDB ids, IMDb ids of rows without one, titles of rows
    without either."""
    tmdb = _unique(row.tmdb_id for row in rows)
    imdb = _unique(row.imdb_id for row in rows if row.tmdb_id is None)
    titles = _unique(TitleKey.of(row) for row in rows if row.tmdb_id is None and not row.imdb_id)
    return len(tmdb) + len(imdb) + len(titles)


def _unique(values: Iterable[K | None]) -> list[K]:
    return list(dict.fromkeys(value for value in values if value is not None))


class _Counter:
    """Turns lookups done into a 0..1 fraction for the progress callback. The total is an
    estimate: ids the catalog does not know add title lookups."""

    def __init__(self, estimate: int, progress: Progress | None) -> None:
        self._progress = progress
        self._total = max(1, estimate)
        self._done = 0

    def tick(self, count: int, message: str) -> None:
        self._done += count
        if self._progress is not None:
            self._progress(min(0.99, self._done / max(self._total, self._done)), message)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress(1.0, "Matched")
