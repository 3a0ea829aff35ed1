"""Finding movies: lists, filters, search and the movie page, with the acting user's state.

Everything goes through the `Catalog` (cached TMDB or the offline snapshot); the user's own
stars and watchlist come from the local database in one query per page of results. Lists,
search, discover and the movie page ask the catalog in the user's Language (and Region, where
TMDB uses it) from their preferences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from reelmatch.catalog import Catalog, Locale
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import (
    DiscoverFilters,
    Genre,
    ImageConfig,
    MovieDetails,
    MoviePage,
    Provider,
    RegionProviders,
    User,
)
from reelmatch.errors import InvalidInput
from reelmatch.events import EventSink
from reelmatch.store.uow import UnitOfWork, UowFactory

ListKey = Literal[
    "trending_day", "trending_week", "popular", "top_rated", "now_playing", "upcoming"
]
LIST_TITLES: dict[ListKey, str] = {
    "trending_day": "Trending today",
    "trending_week": "Trending this week",
    "popular": "Popular",
    "top_rated": "Top rated",
    "now_playing": "Now playing",
    "upcoming": "Upcoming",
}
#: The lists that only mean something on live data: hidden offline (issue 14).
TIME_BOUND: frozenset[ListKey] = frozenset({"now_playing", "upcoming"})
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class MovieState:
    """What the acting user has done with a movie."""

    rating: float | None = None
    on_watchlist: bool = False


@dataclass(frozen=True, slots=True)
class MovieView:
    """Everything the movie page shows."""

    movie: MovieDetails
    state: MovieState
    community_average: float | None
    community_count: int
    region: str | None
    providers: RegionProviders | None
    watched_count: int
    similar_states: dict[int, MovieState] = field(default_factory=dict)


class DiscoveryService:
    def __init__(self, unit_of_work: UowFactory, *, catalog: Catalog, events: EventSink) -> None:
        self._unit_of_work = unit_of_work
        self._catalog = catalog
        self._events = events

    @property
    def live(self) -> bool:
        """True on live TMDB (posters, trailers, watch providers); False offline."""
        return self._catalog.mode != "offline"

    def list_titles(self) -> dict[ListKey, str]:
        """The lists Discover offers. On the bundled snapshot nothing is "today" or "now
        playing": the trending lists say which snapshot they rank, the time-bound ones are not
        offered."""
        year = self.snapshot_year
        if year is None:
            return dict(LIST_TITLES)
        return {
            "trending_day": f"Newest hits in the {year} snapshot",
            "trending_week": f"Recent hits in the {year} snapshot",
            "popular": f"Popular in the {year} snapshot",
            "top_rated": "Top rated",
        }

    @property
    def snapshot_year(self) -> int | None:
        """The year the offline snapshot ends in; None on live TMDB."""
        return self._catalog.snapshot_year if isinstance(self._catalog, OfflineCatalog) else None

    def data_source(self) -> str:
        """One line saying where the movie data comes from."""
        year = self.snapshot_year
        if year is None:
            return "Movie data from TMDB, live."
        return (
            f"Movie data from the bundled TMDB 5000 snapshot, which ends in {year}: "
            "no live TMDB connection is configured."
        )

    def images(self) -> ImageConfig:
        return self._catalog.configuration()

    def genres(self) -> list[Genre]:
        return self._catalog.genres()

    def providers(self, region: str | None) -> list[Provider]:
        """Streaming services in `region` (none offline, or without a region)."""
        return self._catalog.watch_providers(region) if region else []

    def browse(self, list_key: ListKey, *, page: int = 1, user: User | None = None) -> MoviePage:
        """A list, in `user`'s language (TMDB's default without a user: the CLI, cache warming)."""
        locale = self._locale(user) if user is not None else None
        if list_key == "trending_day":
            return self._catalog.trending("day", page, locale=locale)
        if list_key == "trending_week":
            return self._catalog.trending("week", page, locale=locale)
        if list_key not in LIST_TITLES:
            raise InvalidInput(f"There is no list called {list_key!r}.")
        fetch = {
            "popular": self._catalog.popular,
            "top_rated": self._catalog.top_rated,
            "now_playing": self._catalog.now_playing,
            "upcoming": self._catalog.upcoming,
        }[list_key]
        return fetch(page, locale=locale)

    def discover(self, filters: DiscoverFilters, *, user: User) -> MoviePage:
        """Filtered discovery. With `watch_providers` set, the user's region is used."""
        locale = self._locale(user)
        if filters.watch_providers and not filters.watch_region:
            if locale.region is None:
                raise InvalidInput("Set your region in Settings to filter by streaming service.")
            filters = filters.model_copy(update={"watch_region": locale.region})
        return self._catalog.discover(filters, locale=locale)

    def _locale(self, user: User) -> Locale:
        """The user's Language and Region preferences (unset: TMDB's defaults)."""
        with self._unit_of_work(read_only=True) as uow:
            return _locale_in(uow, user)

    def search(
        self, user: User, query: str, *, year: int | None = None, page: int = 1
    ) -> MoviePage:
        cleaned = " ".join(query.split())[:MAX_QUERY_LENGTH]
        if not cleaned:
            return MoviePage(movies=(), page=1, total_pages=1, total_results=0)
        result = self._catalog.search(cleaned, year=year, page=page, locale=self._locale(user))
        self._events.record(
            "search", user_id=user.id, query_length=len(cleaned), results=result.total_results
        )
        return result

    def states(self, user: User, movie_ids: Sequence[int]) -> dict[int, MovieState]:
        """The user's stars and watchlist flag for the given movies (absent = untouched)."""
        if not movie_ids:
            return {}
        with self._unit_of_work(read_only=True) as uow:
            found = uow.library.states(user_id=user.id, movie_ids=list(movie_ids))
        return {movie_id: MovieState(rating, bool(on)) for movie_id, (rating, on) in found.items()}

    def movie(self, user: User, movie_id: int) -> MovieView:
        """The movie page: details, the user's state, this server's community rating and
        where to watch in the user's region."""
        with self._unit_of_work(read_only=True) as uow:  # one read transaction (decision 56)
            locale = _locale_in(uow, user)
            details = self._catalog.movie(movie_id, locale=locale)
            region = locale.region
            related = [m.id for m in (*details.similar, *details.recommendations)]
            states = uow.library.states(user_id=user.id, movie_ids=[movie_id, *related])
            average, count = uow.library.community_rating(movie_id=movie_id)
            watched = uow.library.watch_count(user_id=user.id, movie_id=movie_id)
        mine = states.pop(movie_id, (None, False))
        return MovieView(
            movie=details,
            state=MovieState(mine[0], bool(mine[1])),
            community_average=average,
            community_count=count,
            region=region,
            providers=details.watch_providers.get(region) if region else None,
            watched_count=watched,
            similar_states={i: MovieState(r, bool(w)) for i, (r, w) in states.items()},
        )


def _locale_in(uow: UnitOfWork, user: User) -> Locale:
    row = uow.preferences.get(user_id=user.id)
    return Locale(row.language, row.region) if row else Locale()
