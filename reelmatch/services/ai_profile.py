"""The compact taste profile an AI request carries, built from ONE user's library.

It is built from the acting user's `Library` (which the store only ever reads for that user)
and preferences, and holds no id, username, display name or e-mail: the model needs taste,
not identity. Sizes are capped so a prompt stays small (~1-2k tokens) whatever the library.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from reelmatch.domain import Library, LibraryEntry, Movie, Preferences
from reelmatch.llm import Candidate, DiaryNote, RatedTitle, TasteProfile

LOVED_LIMIT = 10
DISLIKED_LIMIT = 5
DIARY_LIMIT = 8
LOVED_FROM = 3.5  # stars: a rating at or above this says "more like this"
DISLIKED_UP_TO = 2.5  # at or below: "not this"


def build_taste_profile(
    library: Library,
    preferences: Preferences,
    *,
    loved: int = LOVED_LIMIT,
    disliked: int = DISLIKED_LIMIT,
    diary: int = DIARY_LIMIT,
) -> TasteProfile:
    """Their best-rated and worst-rated movies (most recent first among equals), their genre
    preferences and their latest diary entries with notes."""
    rated = [entry for entry in library.ratings if entry.rating is not None]
    best = sorted(
        (e for e in rated if (e.rating or 0) >= LOVED_FROM),
        key=lambda e: (-(e.rating or 0), -_when(e)),
    )
    worst = sorted(
        (e for e in rated if (e.rating or 0) <= DISLIKED_UP_TO),
        key=lambda e: (e.rating or 0, -_when(e)),
    )
    recent = sorted(library.diary, key=lambda d: (d.watched_on, d.id), reverse=True)
    return TasteProfile(
        loved=tuple(_rated(e) for e in best[:loved]),
        disliked=tuple(_rated(e) for e in worst[:disliked]),
        favourite_genres=preferences.favourite_genres,
        avoided_genres=preferences.avoided_genres,
        recent_diary=tuple(
            DiaryNote(
                title=d.movie.title,
                year=d.movie.year,
                watched_on=d.watched_on,
                rewatch=d.rewatch,
                note=d.note,
            )
            for d in recent[:diary]
        ),
    )


def candidates_for_prompt(
    movies: Sequence[Movie], *, exclude_ids: Collection[int] = frozenset()
) -> tuple[Candidate, ...]:
    """The local engine's movies as candidates, in order, without duplicates or excluded ids."""
    seen: set[int] = set()
    chosen = []
    for movie in movies:
        if movie.id in seen or movie.id in exclude_ids:
            continue
        seen.add(movie.id)
        chosen.append(Candidate.from_movie(movie))
    return tuple(chosen)


def library_exclusions(library: Library) -> tuple[frozenset[int], frozenset[int]]:
    """(rated ids, watchlisted ids): the movies an AI pick must not be."""
    rated = frozenset(e.movie.id for e in library.ratings if e.rating is not None)
    watchlisted = frozenset(e.movie.id for e in library.watchlist)
    return rated, watchlisted


def _rated(entry: LibraryEntry) -> RatedTitle:
    return RatedTitle(title=entry.movie.title, year=entry.movie.year, stars=entry.rating or 0.0)


def _when(entry: LibraryEntry) -> float:
    moment: datetime = entry.rated_at or entry.added_at
    return moment.timestamp()
