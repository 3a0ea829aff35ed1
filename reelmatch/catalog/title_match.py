"""When two titles name the same film: the one rule imports and AI grounding both apply.

Titles are compared after `normalise` (case, accents, punctuation); a leading article may
differ ("Godfather" / "The Godfather"); longer titles may differ by a typo or two ("The
Godfater"); short ones must match exactly ("Alien" is not "Aliens", "Saw IV" is not "Saw V").
Years may differ by one (release years vary by country and source).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from reelmatch.catalog.title_search import normalise

ARTICLES = ("the ", "a ", "an ")
#: rapidfuzz ratio (0–100) from which two normalised titles count as the same title.
CLOSE_TITLE = 90.0
#: Shorter titles must match exactly (after normalising and dropping an article).
MIN_FUZZY_LENGTH = 8
YEAR_TOLERANCE = 1


def without_article(title: str) -> str:
    for article in ARTICLES:
        if title.startswith(article):
            return title[len(article) :]
    return title


def title_closeness(wanted: Sequence[str], candidate: str) -> int:
    """How close the normalised `candidate` is to any of the normalised `wanted` titles:
    2 the same title; 1 the same but for a leading article, or a near-identical spelling of a
    title of 8+ characters; 0 another title."""
    if not candidate:
        return 0
    if candidate in wanted:
        return 2
    bare = without_article(candidate)
    for title in wanted:
        other = without_article(title)
        if not other:
            continue
        if other == bare:
            return 1
        long_enough = min(len(other), len(bare)) >= MIN_FUZZY_LENGTH
        if long_enough and fuzz.ratio(other, bare) >= CLOSE_TITLE:
            return 1
    return 0


def titles_match(left: str, right: str) -> bool:
    return title_closeness([normalise(left)], normalise(right)) > 0


def years_match(wanted: int | None, found: int | None) -> bool:
    return wanted is not None and found is not None and abs(wanted - found) <= YEAR_TOLERANCE


def same_film(title: str, year: int | None, *, movie_title: str, movie_year: int | None) -> bool:
    """Title and year agree closely enough to be the same film. Without a year only an exact
    (normalised) title counts: "Heat" must not become "The Heat" (2013)."""
    if year is None:
        return title_closeness([normalise(title)], normalise(movie_title)) == 2
    return years_match(year, movie_year) and titles_match(title, movie_title)
