"""Repositories: queries over one session. They never commit (the unit of work does), and every
function that touches personal rows takes the acting user's id and filters by it."""

from reelmatch.store.repositories.library import LibraryRepository
from reelmatch.store.repositories.movies import MovieRepository
from reelmatch.store.repositories.recommendations import RecommendationRepository
from reelmatch.store.repositories.stored_runs import StoredRunRepository
from reelmatch.store.repositories.users import PreferenceRepository, UserRepository

__all__ = [
    "LibraryRepository",
    "MovieRepository",
    "PreferenceRepository",
    "RecommendationRepository",
    "StoredRunRepository",
    "UserRepository",
]
