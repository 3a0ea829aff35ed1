"""Rows to catalog movies: by TMDB id when the export has one, by IMDb id through TMDB's `find`,
else by title + year through `search` with a strictness check (titles.py), so "Heat (1995)"
never lands on "The Heat (2013)".

On live TMDB a matcher given the bundled snapshot asks it first (snapshot.py) and sends only
what it cannot answer with certainty to TMDB. Each distinct id or (title, year) is looked up
once; TMDB lookups run on a bounded thread pool. The progress callback is only ever called
from the calling thread, so a Streamlit progress bar can be driven from it. Catalog failures
(`UpstreamUnavailable`) propagate: an import half-matched because TMDB was down would
silently lose rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from reelmatch.catalog.title_search import normalise
from reelmatch.domain import Movie, MovieDetails, MoviePage
from reelmatch.services.imports.records import ImportRow
from reelmatch.services.imports.snapshot import SnapshotCatalog, SnapshotMatcher
from reelmatch.services.imports.titles import TitleKey, best_candidate

__all__ = [
    "MatchCatalog",
    "MatchMethod",
    "MatchedRow",
    "MovieMatcher",
    "TitleKey",
    "UnmatchedRow",
    "best_candidate",
]

MatchMethod = Literal["tmdb id", "imdb id", "title and year", "title"]
Progress = Callable[[float, str], None]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

ID_BATCH = 50
#: Snapshot lookups done between two progress reports (each takes well under a millisecond).
SNAPSHOT_TICK = 100


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
    #: True when the bundled snapshot answered: `movie` then has no poster and old figures,
    #: and is stored marked for the metadata refresher.
    from_snapshot: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class UnmatchedRow:
    row: ImportRow
    reason: str


@dataclass(frozen=True, slots=True)
class _Hit:
    movie: Movie
    method: MatchMethod
    from_snapshot: bool = False


class MovieMatcher:
    def __init__(
        self,
        catalog: MatchCatalog,
        *,
        snapshot: Callable[[], SnapshotCatalog] | None = None,
        workers: int = 8,
    ) -> None:
        """`snapshot` (called on the first match, so loading it costs nothing until then)
        is asked first; leave it out when `catalog` is the snapshot itself."""
        self._catalog = catalog
        self._snapshot = snapshot
        self._workers = max(1, workers)

    def match(
        self, rows: Sequence[ImportRow], *, progress: Progress | None = None
    ) -> tuple[list[MatchedRow], list[UnmatchedRow]]:
        counter = _Counter(_estimate_lookups(rows), progress)
        snapshot = SnapshotMatcher(self._snapshot()) if self._snapshot and rows else None
        by_tmdb = self._match_tmdb_ids(_unique(row.tmdb_id for row in rows), snapshot, counter)
        pending = [row for row in rows if row.tmdb_id not in by_tmdb]
        imdb_ids = _unique(row.imdb_id for row in pending)
        by_imdb = self._lookup(self._catalog.find_by_imdb_id, imdb_ids, counter, "IMDb ids")
        pending = [row for row in pending if by_imdb.get(row.imdb_id or "") is None]
        keys = _unique(TitleKey.of(row) for row in pending)
        by_title = self._match_titles(keys, snapshot, counter)
        matched, unmatched = [], []
        for row in rows:
            hit = _found(row, by_tmdb, by_imdb, by_title)
            if hit is None:
                unmatched.append(UnmatchedRow(row=row, reason=_reason(row)))
            else:
                matched.append(
                    MatchedRow(
                        row=row, movie=hit.movie, method=hit.method, from_snapshot=hit.from_snapshot
                    )
                )
        counter.finish()
        return matched, unmatched

    def _match_tmdb_ids(
        self, ids: list[int], snapshot: SnapshotMatcher | None, counter: _Counter
    ) -> dict[int, _Hit]:
        known = snapshot.by_ids(ids) if snapshot is not None else {}
        hits = {movie_id: _Hit(movie, "tmdb id", True) for movie_id, movie in known.items()}
        if hits:
            counter.tick(len(hits), "Looking up TMDB ids")
        hits.update(self._by_tmdb_ids([i for i in ids if i not in known], counter))
        return hits

    def _match_titles(
        self, keys: list[TitleKey], snapshot: SnapshotMatcher | None, counter: _Counter
    ) -> dict[TitleKey, _Hit | None]:
        hits: dict[TitleKey, _Hit | None] = {}
        if snapshot is not None:
            reported = 0
            for done, key in enumerate(keys, start=1):
                movie = snapshot.by_title(key)
                if movie is not None:
                    hits[key] = _Hit(movie, "title and year", True)
                if done % SNAPSHOT_TICK == 0 or done == len(keys):
                    counter.tick(len(hits) - reported, "Matching titles")
                    reported = len(hits)
        rest = [key for key in keys if key not in hits]
        hits.update(self._lookup(self._by_title, rest, counter, "titles"))
        return hits

    def _by_tmdb_ids(self, ids: list[int], counter: _Counter) -> dict[int, _Hit]:
        found: dict[int, _Hit] = {}
        for start in range(0, len(ids), ID_BATCH):
            batch = ids[start : start + ID_BATCH]
            for movie in self._catalog.movies(batch):
                summary = movie.summary() if isinstance(movie, MovieDetails) else movie
                found[movie.id] = _Hit(summary, "tmdb id")
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

    def _by_title(self, key: TitleKey) -> _Hit | None:
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
                return _Hit(best, method)
        return None


def _found(
    row: ImportRow,
    by_tmdb: dict[int, _Hit],
    by_imdb: dict[str, MovieDetails | None],
    by_title: dict[TitleKey, _Hit | None],
) -> _Hit | None:
    if row.tmdb_id is not None and row.tmdb_id in by_tmdb:
        return by_tmdb[row.tmdb_id]
    found = by_imdb.get(row.imdb_id) if row.imdb_id else None
    if found is not None:
        return _Hit(found.summary(), "imdb id")
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
