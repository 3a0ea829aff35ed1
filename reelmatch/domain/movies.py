"""Movies as the catalog describes them, whichever backend (live TMDB or the offline snapshot)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Values that pages build by the thousand are slotted dataclasses (cheap to create); inputs
# that need validation (filters, preferences) are pydantic models. `reelmatch.domain.serialize`
# turns either into JSON data and back.


@dataclass(frozen=True, slots=True, kw_only=True)
class Genre:
    id: int
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Movie:
    """One movie as shown in a grid or a list. Missing fields are normal, not errors."""

    id: int
    title: str
    release_date: date | None = None
    overview: str = ""
    genres: tuple[str, ...] = ()
    poster_path: str | None = None
    backdrop_path: str | None = None
    vote_average: float | None = None
    vote_count: int | None = None
    popularity: float | None = None
    original_language: str | None = None
    runtime: int | None = None
    keywords: tuple[str, ...] = ()
    adult: bool = False

    @property
    def year(self) -> int | None:
        return self.release_date.year if self.release_date else None

    @property
    def label(self) -> str:
        """Title with year, the way people name a movie: "Heat (1995)"."""
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True, kw_only=True)
class CastMember:
    name: str
    character: str = ""
    profile_path: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Video:
    site: str
    key: str
    name: str = ""
    type: str = "Trailer"

    @property
    def url(self) -> str | None:
        if self.site.lower() == "youtube":
            return f"https://www.youtube.com/watch?v={self.key}"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Provider:
    id: int
    name: str
    logo_path: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RegionProviders:
    """Where to watch in one country (data by JustWatch, which must be credited when shown)."""

    link: str | None = None
    flatrate: tuple[Provider, ...] = ()
    rent: tuple[Provider, ...] = ()
    buy: tuple[Provider, ...] = ()
    free: tuple[Provider, ...] = ()
    ads: tuple[Provider, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MovieDetails(Movie):
    """Everything the movie page shows, fetched in one request (`append_to_response`).
    `stale` and `notice` work as on `MoviePage`: set when an expired cache entry stood in
    because TMDB failed. They describe this answer, not the movie, so they are never cached
    or stored (`summary()` leaves them out)."""

    tagline: str = ""
    imdb_id: str | None = None
    directors: tuple[str, ...] = ()
    cast: tuple[CastMember, ...] = ()
    trailer: Video | None = None
    recommendations: tuple[Movie, ...] = ()
    similar: tuple[Movie, ...] = ()
    watch_providers: dict[str, RegionProviders] = field(default_factory=dict)
    certifications: dict[str, str] = field(default_factory=dict)
    stale: bool = False
    notice: str | None = None

    def summary(self) -> Movie:
        """The plain `Movie` part, e.g. to store in the local `movies` table."""
        return Movie(**{f.name: getattr(self, f.name) for f in fields(Movie)})


def served_stale(movie: Movie) -> bool:
    """True for details an expired cache entry stood in for (TMDB failing): not news, so
    never stored as freshly fetched."""
    return isinstance(movie, MovieDetails) and movie.stale


@dataclass(frozen=True, slots=True, kw_only=True)
class MoviePage:
    """One page of a list. `stale` is set when the data came from an expired cache entry
    because the upstream failed; `notice` then says so in words."""

    movies: tuple[Movie, ...]
    page: int = 1
    total_pages: int = 1
    total_results: int = 0
    stale: bool = False
    notice: str | None = None


SortKey = Literal[
    "popularity.desc",
    "popularity.asc",
    "vote_average.desc",
    "vote_average.asc",
    "primary_release_date.desc",
    "primary_release_date.asc",
    "vote_count.desc",
    "title.asc",
]


class DiscoverFilters(BaseModel):
    """The filters of TMDB's `discover/movie`, in our own words. Every field is optional."""

    model_config = ConfigDict(frozen=True)
    genres: tuple[int, ...] = ()
    genres_mode: Literal["all", "any"] = "any"
    without_genres: tuple[int, ...] = ()
    release_from: date | None = None
    release_to: date | None = None
    min_vote_average: float | None = Field(default=None, ge=0, le=10)
    min_vote_count: int | None = Field(default=None, ge=0)
    runtime_min: int | None = Field(default=None, ge=0)
    runtime_max: int | None = Field(default=None, ge=0)
    original_language: str | None = None
    watch_providers: tuple[int, ...] = ()
    watch_region: str | None = None
    sort_by: SortKey = "popularity.desc"
    page: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageConfig:
    """From TMDB `/configuration`: how to turn an image path into a URL. The defaults are
    TMDB's own values (tests/fixtures/tmdb/configuration.json), used when TMDB cannot say."""

    secure_base_url: str = "https://image.tmdb.org/t/p/"
    poster_sizes: tuple[str, ...] = ("w92", "w154", "w185", "w342", "w500", "w780", "original")
    backdrop_sizes: tuple[str, ...] = ("w300", "w780", "w1280", "original")

    def poster_url(
        self, path: str | None, *, place: Literal["thumbnail", "grid", "detail"] = "grid"
    ) -> str | None:
        wanted = {
            "thumbnail": ("w92", "w154"),
            "grid": ("w342", "w185"),
            "detail": ("w500", "w780"),
        }[place]
        return self._url(path, self.poster_sizes, wanted)

    def backdrop_url(self, path: str | None) -> str | None:
        return self._url(path, self.backdrop_sizes, ("w1280", "w780"))

    def _url(self, path: str | None, sizes: tuple[str, ...], wanted: tuple[str, ...]) -> str | None:
        if not path:
            return None
        size = next((s for s in wanted if s in sizes), sizes[-1] if sizes else "original")
        return f"{self.secure_base_url.rstrip('/')}/{size}/{path.lstrip('/')}"
