"""Deciding whether a catalog movie is the film an import row names: title + year keys and
the strictness check, so "Heat (1995)" never lands on "The Heat (2013)". What counts as the
same title is `reelmatch.catalog.title_match`, the rule AI grounding applies too.

Shared by live matching (matching.py) and snapshot-first matching (snapshot.py), so both
judge candidates by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reelmatch.catalog.title_match import title_closeness, years_match
from reelmatch.catalog.title_search import normalise
from reelmatch.domain import Movie
from reelmatch.services.imports.records import ImportRow


@dataclass(frozen=True, slots=True)
class TitleKey:
    title: str
    year: int | None
    original_title: str | None = None

    @classmethod
    def of(cls, row: ImportRow) -> TitleKey | None:
        if not normalise(row.title) and not row.original_title:
            return None
        original = row.original_title if row.original_title != row.title else None
        return cls(row.title, row.year, original)

    @property
    def wanted(self) -> list[str]:
        """The normalised titles a candidate may carry: the title and the original title."""
        return [normalise(t) for t in (self.title, self.original_title) if t]


def best_candidate(key: TitleKey, candidates: Iterable[Movie]) -> Movie | None:
    """The candidate whose title is the same (or very close, when the year confirms it) and
    whose year is equal or one off; exact years and titles first, then catalog order. Without
    a year only an exact title is accepted."""
    wanted = key.wanted
    ranked = []
    for index, movie in enumerate(candidates):
        closeness = title_closeness(wanted, normalise(movie.title))
        if key.year is None:
            if closeness == 2:
                ranked.append(((0, 0, index), movie))
            continue
        if closeness and movie.year is not None and years_match(key.year, movie.year):
            ranked.append(((abs(movie.year - key.year), -closeness, index), movie))
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None
