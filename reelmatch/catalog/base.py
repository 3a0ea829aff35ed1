"""The interface every movie-data backend implements (live TMDB, offline snapshot).

Pages and services depend on this protocol only. Both backends pass one shared contract test
(tests/catalog/test_contract.py). Errors are the typed ones from `reelmatch.errors`:
`NotFound` for an unknown id, `UpstreamUnavailable` / `RateLimited` when the source fails and
nothing cached can stand in, `InvalidInput` never for odd queries (they just find nothing).

Lists, search, discover and movie details take the viewer's `Locale` (their Language and
Region preferences): live TMDB asks for titles and overviews in that language, and caches each
language apart; the offline snapshot is English-only and ignores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from reelmatch.catalog.release_dates import ReleaseDate
from reelmatch.domain import (
    DiscoverFilters,
    Genre,
    ImageConfig,
    MovieDetails,
    MoviePage,
    Provider,
)

ListName = Literal["popular", "top_rated", "now_playing", "upcoming"]
TrendingWindow = Literal["day", "week"]

MAX_PAGE = 500  # TMDB refuses pages beyond 500


@dataclass(frozen=True, slots=True)
class Locale:
    """The language (ISO 639-1, optionally with a country: "fr", "pt-BR") and region
    (ISO 3166-1: "FR") someone wants movie data for. Unset means TMDB's default (en-US)."""

    language: str | None = None
    region: str | None = None


def clamp_page(page: int) -> int:
    """Pages run 1..500; anything else is moved to the nearest end, never an error."""
    return min(max(int(page), 1), MAX_PAGE)


class Catalog(Protocol):
    #: "tmdb" for live TMDB, "offline" for the bundled snapshot.
    mode: str

    def configuration(self) -> ImageConfig: ...

    def genres(self) -> list[Genre]: ...

    def popular(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage: ...

    def top_rated(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage: ...

    def now_playing(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        """In cinemas now, in `locale.region` when set (as `upcoming`)."""
        ...

    def upcoming(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage: ...

    def trending(
        self, window: TrendingWindow = "day", page: int = 1, *, locale: Locale | None = None
    ) -> MoviePage: ...

    def search(
        self, query: str, *, year: int | None = None, page: int = 1, locale: Locale | None = None
    ) -> MoviePage: ...

    def discover(self, filters: DiscoverFilters, *, locale: Locale | None = None) -> MoviePage: ...

    def movie(self, movie_id: int, *, locale: Locale | None = None) -> MovieDetails:
        """Details with credits, trailer, keywords, recommendations, similar, watch providers
        and release dates (one upstream request on TMDB)."""
        ...

    def movies(self, movie_ids: list[int]) -> list[MovieDetails]:
        """Details for many ids at once (concurrent, bounded), in the order asked, each id
        once; unknown ids are left out. Always in TMDB's default language: this is what the
        local `movies` table (shared by everyone) is written from."""
        ...

    def find_by_imdb_id(self, imdb_id: str) -> MovieDetails | None: ...

    def release_dates(self, movie_id: int, region: str) -> list[ReleaseDate]:
        """Theatrical and digital release dates in `region`, oldest first (none offline)."""
        ...

    def watch_providers(self, region: str) -> list[Provider]:
        """Streaming and rental services offering movies in `region` (empty offline)."""
        ...
