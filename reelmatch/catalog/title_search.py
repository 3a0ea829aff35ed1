"""Typo-tolerant, case- and accent-insensitive title search over an in-memory list of movies.

Used by the offline catalog. RapidFuzz does the string matching (C++, a few ms over 5,000
titles); this module only normalises text and ranks matches, preferring exact and prefix
hits, then closeness, then popularity.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

MAX_QUERY_LENGTH = 100
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

    def search(self, query: str, *, year: int | None = None, limit: int = 200) -> list[int]:
        """Movie ids best first. Empty, symbol-only or absurdly long queries find nothing
        or are cut, never fail."""
        wanted = normalise(query[:MAX_QUERY_LENGTH])
        if not wanted or not self._titles:
            return []
        scores = self._scores(wanted)
        if year is not None:
            years = np.array([entry.year == year for entry in self._entries])
            scores = np.where(years, scores, 0.0)
        hits = np.flatnonzero(scores >= MIN_SCORE)
        order = np.lexsort((-self._popularity[hits], -scores[hits]))
        return [self._entries[i].movie_id for i in hits[order][:limit]]

    def _scores(self, wanted: str) -> npt.NDArray[np.float64]:
        """Whole-title similarity, or the best-matching part of a longer title ("godfater"
        in "The Godfather"), plus a bonus for exact and word-prefix matches."""
        whole = process.cdist([wanted], self._titles, scorer=fuzz.ratio)[0]
        part = process.cdist([wanted], self._titles, scorer=fuzz.partial_ratio)[0]
        part = np.where(self._lengths >= len(wanted), part - 5, 0)
        scores: npt.NDArray[np.float64] = np.maximum(whole, part).astype(np.float64)
        for index in np.flatnonzero(scores >= MIN_SCORE):
            title = self._titles[index]
            if title == wanted:
                scores[index] += 30
            elif f" {title} ".find(f" {wanted} ") >= 0 or title.startswith(wanted):
                scores[index] += 15
        return scores
