"""Live TMDB behind the `Catalog` interface, every call through the cache.

Cached values are domain values serialised with `to_data` (small, already mapped). Each call
answered without a new upstream request records an `api_call` event with `cache="hit"` or
`cache="stale"`; the client records one with `cache="miss"` per upstream request. A stale
list or movie says so through `stale` and `notice` (see `reelmatch.catalog.stale_marks`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from reelmatch.cache import Cache, Cached
from reelmatch.cache.keys import list_key, movie_key, tmdb_key
from reelmatch.catalog.base import Locale, TrendingWindow, clamp_page
from reelmatch.catalog.release_dates import ReleaseDate, release_dates_in
from reelmatch.catalog.stale_marks import cacheable, decode_details, decode_page, marked
from reelmatch.catalog.title_search import exact_first
from reelmatch.catalog.tmdb_client import TmdbClient, endpoint_template
from reelmatch.catalog.tmdb_mapping import (
    details_from_response,
    genres_from_response,
    image_config_from_response,
    page_from_response,
    providers_from_response,
)
from reelmatch.catalog.tmdb_params import (
    APPEND_TO_MOVIE,
    clean_query,
    discover_params,
    imdb_id,
    locale_params,
    usable_year,
)
from reelmatch.domain import (
    DiscoverFilters,
    Genre,
    ImageConfig,
    MovieDetails,
    MoviePage,
    Provider,
    from_data,
    to_data,
)
from reelmatch.errors import InvalidInput, NotFound, UpstreamUnavailable
from reelmatch.events import DiscardEvents, EventSink

T = TypeVar("T")

#: Seconds TMDB's default image configuration stands in after `/configuration` failed.
DEFAULT_IMAGE_CONFIG_TTL = 300.0

_image_config = partial(from_data, ImageConfig)
_genres = partial(from_data, list[Genre])
_providers = partial(from_data, list[Provider])


def _found_id(value: Any) -> int | None:
    return value.get("id") if isinstance(value, dict) else None


def _release_dates_answer(value: Any) -> dict[str, Any]:
    """The cached `/movie/{id}/release_dates` answer (every region)."""
    return value if isinstance(value, dict) else {"results": []}


def _first_movie_id(data: dict[str, Any]) -> Any:
    """`/find/{imdb_id}` -> the cached `{"id": TMDB id or None}`."""
    hits = data.get("movie_results")
    first = hits[0] if isinstance(hits, list) and hits else {}
    found = first.get("id") if isinstance(first, dict) else None
    return {"id": found if isinstance(found, int) else None}


class TmdbCatalog:
    mode = "tmdb"

    def __init__(
        self, client: TmdbClient, *, cache: Cache, events: EventSink | None = None
    ) -> None:
        self._client = client
        self._cache = cache
        self._events = events or DiscardEvents()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # Reference data ---------------------------------------------------------------------------

    def configuration(self) -> ImageConfig:
        """How to build image URLs. TMDB's answer has not changed in years and only shapes
        URLs, so when TMDB fails and nothing is cached its well-known defaults stand in
        (cached for `DEFAULT_IMAGE_CONFIG_TTL`, so pages do not retry it on every run): no
        page, the Library included, fails because of `/configuration`."""
        key = tmdb_key("configuration")
        try:
            return self._cached(
                key,
                endpoint="configuration",
                kind="reference",
                build=lambda data: to_data(image_config_from_response(data)),
                decode=_image_config,
            ).value
        except UpstreamUnavailable:
            defaults = ImageConfig()
            self._cache.set(key, to_data(defaults), kind="reference", ttl=DEFAULT_IMAGE_CONFIG_TTL)
            return defaults

    def genres(self) -> list[Genre]:
        return self._cached(
            tmdb_key("genre/movie/list"),
            endpoint="genre/movie/list",
            kind="reference",
            build=lambda data: to_data(genres_from_response(data)),
            decode=_genres,
        ).value

    # Lists ------------------------------------------------------------------------------------

    def popular(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        return self._list("popular", "movie/popular", page, locale_params(locale))

    def top_rated(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        return self._list("top_rated", "movie/top_rated", page, locale_params(locale))

    def now_playing(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        regional = locale_params(locale, regional=True)
        return self._list("now_playing", "movie/now_playing", page, regional)

    def upcoming(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        regional = locale_params(locale, regional=True)
        return self._list("upcoming", "movie/upcoming", page, regional)

    def trending(
        self, window: TrendingWindow = "day", page: int = 1, *, locale: Locale | None = None
    ) -> MoviePage:
        if window not in ("day", "week"):
            raise InvalidInput(f"Trending is by 'day' or 'week', not {window!r}.")
        endpoint = f"trending/movie/{window}"
        return self._list(f"trending:{window}", endpoint, page, locale_params(locale))

    # Search and discover ----------------------------------------------------------------------

    def search(
        self, query: str, *, year: int | None = None, page: int = 1, locale: Locale | None = None
    ) -> MoviePage:
        text, page = clean_query(query), clamp_page(page)
        if not text or not usable_year(year):
            return MoviePage(movies=(), page=page, total_pages=1, total_results=0)
        params: dict[str, Any] = {"query": text, "page": page, "include_adult": "false"}
        if year is not None:
            params["year"] = year
        params.update(locale_params(locale))
        found = self._fetch_page(tmdb_key("search/movie", params), "search/movie", params, "search")
        return replace(found, movies=tuple(exact_first(found.movies, text, lambda m: m.title)))

    def discover(self, filters: DiscoverFilters, *, locale: Locale | None = None) -> MoviePage:
        params, notice = discover_params(filters)
        params.update(locale_params(locale))
        found = self._fetch_page(
            tmdb_key("discover/movie", params), "discover/movie", params, "list"
        )
        return replace(found, notice=notice) if notice and not found.notice else found

    # Details ----------------------------------------------------------------------------------

    def movie(self, movie_id: int, *, locale: Locale | None = None) -> MovieDetails:
        if isinstance(movie_id, bool) or not isinstance(movie_id, int) or movie_id <= 0:
            raise NotFound(f"There is no movie with TMDB id {movie_id!r}.")

        def build(data: dict[str, Any]) -> Any:
            details = details_from_response(data, self._genre_names())
            if details is None:
                raise UpstreamUnavailable("TMDB sent a movie without an id.")
            return cacheable(details)

        language = locale_params(locale)
        try:
            cached = self._cached(
                movie_key(movie_id, language),
                endpoint=f"movie/{movie_id}",
                params={"append_to_response": APPEND_TO_MOVIE, **language},
                kind="movie",
                build=build,
                decode=decode_details,
            )
        except NotFound:
            raise NotFound(f"There is no movie with TMDB id {movie_id}.") from None
        return marked(cached, what="details")

    def movies(self, movie_ids: list[int]) -> list[MovieDetails]:
        """Details for many ids, fetched concurrently (bounded by the client's concurrency).
        Unknown ids are left out; if TMDB fails for any id and nothing cached stands in, the
        whole call raises `UpstreamUnavailable`."""
        wanted = list(dict.fromkeys(movie_ids))
        if len(wanted) <= 1:
            return [found for i in wanted if (found := self._movie_or_none(i)) is not None]
        results = list(self._executor().map(self._movie_outcome, wanted))
        errors = [r for r in results if isinstance(r, UpstreamUnavailable)]
        if errors:
            raise errors[0]
        return [r for r in results if isinstance(r, MovieDetails)]

    def find_by_imdb_id(self, imdb: str) -> MovieDetails | None:
        wanted = imdb_id(imdb)
        if wanted is None:
            return None

        params = {"external_source": "imdb_id"}
        movie_id = self._cached(
            tmdb_key(f"find/{wanted}", params),
            endpoint=f"find/{wanted}",
            params=params,
            kind="movie",
            build=_first_movie_id,
            decode=_found_id,
        ).value
        return self._movie_or_none(movie_id) if movie_id else None

    def watch_providers(self, region: str) -> list[Provider]:
        code = region.strip().upper()
        if len(code) != 2 or not code.isalpha():
            return []
        params = {"watch_region": code}
        return self._cached(
            tmdb_key("watch/providers/movie", params),
            endpoint="watch/providers/movie",
            params=params,
            kind="reference",
            build=lambda data: to_data(list(providers_from_response(data))),
            decode=_providers,
        ).value

    def release_dates(self, movie_id: int, region: str) -> list[ReleaseDate]:
        """Theatrical (TMDB types 2, 3) and digital (4) release dates of a movie in `region`
        (ISO 3166-1), oldest first; none for an unknown region or movie."""
        code = region.strip().upper()
        if len(code) != 2 or not code.isalpha() or movie_id <= 0:
            return []
        endpoint = f"movie/{movie_id}/release_dates"
        # TMDB's answer covers every region: cache it once per movie, pick the region after.
        try:
            answer = self._cached(
                tmdb_key(endpoint, {}),
                endpoint=endpoint,
                kind="movie",
                build=lambda data: {"results": data.get("results") or []},
                decode=_release_dates_answer,
            ).value
        except NotFound:
            return []
        return release_dates_in(answer, region=code)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    # Internals --------------------------------------------------------------------------------

    def _list(self, name: str, endpoint: str, page: int, locale: dict[str, str]) -> MoviePage:
        """A list page; `locale` holds the language and region parameters, if any."""
        page = clamp_page(page)
        key = list_key(name, page, locale)
        return self._fetch_page(key, endpoint, {"page": page, **locale}, "list")

    def _fetch_page(self, key: str, endpoint: str, params: dict[str, Any], kind: str) -> MoviePage:
        cached = self._cached(
            key,
            endpoint=endpoint,
            params=params,
            kind=kind,
            build=lambda data: cacheable(page_from_response(data, self._genre_names())),
            decode=decode_page,
        )
        return marked(cached, what="results")

    def _cached(
        self,
        key: str,
        *,
        endpoint: str,
        params: dict[str, Any] | None = None,
        kind: str,
        build: Callable[[dict[str, Any]], Any],
        decode: Callable[[Any], T],
    ) -> Cached[T]:
        """TMDB's `endpoint` through the cache under `key`; a miss keeps `build(response)`.
        One request, one endpoint and one cache kind for every event of it: the client
        records upstream attempts, this records hits and stale answers."""

        def load() -> Any:
            return build(self._client.get_json(endpoint, params, cache_kind=kind))

        started = time.perf_counter()
        cached = self._cache.get_or_load(key, load, kind=kind, decode=decode)
        if cached.source != "miss":
            self._record_answer(cached, endpoint=endpoint, kind=kind, started=started)
        return cached

    def _record_answer(
        self, cached: Cached[Any], *, endpoint: str, kind: str, started: float
    ) -> None:
        """An `api_call` event for an answer that made no upstream request, with the same
        endpoint template (`movie/{id}`, never a cache key) as the client's events."""
        latency_ms = round((time.perf_counter() - started) * 1000, 3)
        self._events.record(
            "api_call",
            duration_ms=latency_ms,
            service="tmdb",
            endpoint=endpoint_template(endpoint),
            status=200 if cached.error is None else getattr(cached.error, "status", 0),
            latency_ms=latency_ms,
            cache=cached.source,
            cache_kind=kind,
        )

    def _genre_names(self) -> dict[int, str]:
        return {genre.id: genre.name for genre in self.genres()}

    def _movie_or_none(self, movie_id: int) -> MovieDetails | None:
        try:
            return self.movie(movie_id)
        except NotFound:
            return None

    def _movie_outcome(self, movie_id: int) -> MovieDetails | UpstreamUnavailable | None:
        try:
            return self._movie_or_none(movie_id)
        except UpstreamUnavailable as error:
            return error

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._client.concurrency, thread_name_prefix="reelmatch-tmdb"
                )
            return self._pool
