"""Domain types shared by every layer: plain, immutable, JSON-serialisable values.

Values built in bulk (movies, library entries) are slotted dataclasses; inputs that need
validation (filters, preferences) are pydantic models. `to_data` / `from_data` serialise both.
"""

from reelmatch.domain.library import (
    STAR_STEPS,
    DiaryEntry,
    Library,
    LibraryEntry,
    validate_movie_id,
    validate_stars,
    validate_watch_day,
)
from reelmatch.domain.movies import (
    CastMember,
    DiscoverFilters,
    Genre,
    ImageConfig,
    Movie,
    MovieDetails,
    MoviePage,
    Provider,
    RegionProviders,
    Video,
    served_stale,
)
from reelmatch.domain.recommendations import (
    DISMISSING,
    FEEDBACK,
    Conversion,
    Engine,
    Feedback,
    MovieNightPick,
    MovieNightResult,
    Recommendation,
    RecommendationFilters,
    RecommendationsResult,
)
from reelmatch.domain.serialize import from_data, to_data
from reelmatch.domain.users import ROLES, Preferences, Role, User

__all__ = [
    "DISMISSING",
    "FEEDBACK",
    "ROLES",
    "STAR_STEPS",
    "CastMember",
    "Conversion",
    "DiaryEntry",
    "DiscoverFilters",
    "Engine",
    "Feedback",
    "Genre",
    "ImageConfig",
    "Library",
    "LibraryEntry",
    "Movie",
    "MovieDetails",
    "MovieNightPick",
    "MovieNightResult",
    "MoviePage",
    "Preferences",
    "Provider",
    "Recommendation",
    "RecommendationFilters",
    "RecommendationsResult",
    "RegionProviders",
    "Role",
    "User",
    "Video",
    "from_data",
    "served_stale",
    "to_data",
    "validate_movie_id",
    "validate_stars",
    "validate_watch_day",
]
