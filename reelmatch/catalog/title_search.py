"""Typo-tolerant, case- and accent-insensitive title search over an in-memory list of movies.

Used by the offline catalog. RapidFuzz does the string matching (C++, a few ms over 5,000
titles); this module only normalises text and ranks matches, preferring exact and prefix
hits, then closeness, then popularity.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

MAX_QUERY_LENGTH = 100
T = TypeVar("T")
MIN_SCORE = 72.0


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: "Amélie!" -> "amelie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = [
        ch.lower() if ch.isalnum() else " "
        for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch)[0] != "C"
    ]
    return " ".join("".join(kept).split())


def exact_first(movies: Sequence[T], query: str, title: Callable[[T], str]) -> list[T]:
    """`movies` with those whose whole title is the query first ("heat": Heat (1995) before
    The Heat (2013), which TMDB ranks first by popularity), each group in its given order."""
    wanted = normalise(query)
    exact = [m for m in movies if normalise(title(m)) == wanted]
    return exact + [m for m in movies if normalise(title(m)) != wanted] if exact else list(movies)


@dataclass(frozen=True, slots=True)
class TitleEntry:
    movie_id: int
    title: str
    year: int | None
    popularity: float


class TitleIndex:
    def __init__(self, entries: Sequence[TitleEntry]) -> None:
        self._entries = list(entries)
        self._titles = [normalise(entry.title) for entry in self._entries]
        self._lengths = np.array([len(title) for title in self._titles])
        self._popularity = np.array([entry.popularity for entry in self._entries])
        self._all = np.arange(len(self._entries))
        by_year: dict[int | None, list[int]] = {}
        for position, entry in enumerate(self._entries):
            by_year.setdefault(entry.year, []).append(position)
        self._by_year = {year: np.array(positions) for year, positions in by_year.items()}

    def search(self, query: str, *, year: int | None = None, limit: int = 200) -> list[int]:
        """Movie ids best first. Empty, symbol-only or absurdly long queries find nothing
        or are cut, never fail. With a year only that year's movies are scored (importers
        search thousands of titles with years; this makes each such search much cheaper)."""
        wanted = normalise(query[:MAX_QUERY_LENGTH])
        if not wanted or not self._titles:
            return []
        positions = self._all if year is None else self._by_year.get(year, self._all[:0])
        scores = self._scores(wanted, positions)
        hits = np.flatnonzero(scores >= MIN_SCORE)
        order = np.lexsort((-self._popularity[positions[hits]], -scores[hits]))
        return [self._entries[i].movie_id for i in positions[hits[order][:limit]]]

    def _scores(self, wanted: str, positions: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """Whole-title similarity, or the best-matching part of a longer title ("godfater"
        in "The Godfather"), plus a bonus for exact and word-prefix matches; for the titles
        at `positions`, in that order."""
        if len(positions) == len(self._titles):
            titles = self._titles
        else:
            titles = [self._titles[i] for i in positions]
        if not titles:
            return np.zeros(0)
        whole = process.cdist([wanted], titles, scorer=fuzz.ratio)[0]
        part = process.cdist([wanted], titles, scorer=fuzz.partial_ratio)[0]
        part = np.where(self._lengths[positions] >= len(wanted), part - 5, 0)
        scores: npt.NDArray[np.float64] = np.maximum(whole, part).astype(np.float64)
        for index in np.flatnonzero(scores >= MIN_SCORE):
            title = titles[index]
            if title == wanted:
                scores[index] += 30
            elif f" {title} ".find(f" {wanted} ") >= 0 or title.startswith(wanted):
                scores[index] += 15
        return scores
