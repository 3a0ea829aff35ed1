"""The one rule for "these two titles name the same film" (imports and AI grounding)."""

from __future__ import annotations

import pytest

from reelmatch.catalog.title_match import same_film, title_closeness, titles_match


@pytest.mark.parametrize(
    ("left", "right", "closeness"),
    [
        ("The Godfather", "the godfather", 2),
        ("Amélie", "Amelie", 2),
        ("Godfather", "The Godfather", 1),
        ("The Godfater", "The Godfather", 1),  # a typo in a long title
        ("Alien", "Aliens", 0),  # short titles must match exactly
        ("Saw IV", "Saw V", 0),
        ("Heat", "The Heat", 1),  # an article: the year decides (see same_film)
        ("Heat", "Blackhat", 0),
        ("", "Anything", 0),
    ],
)
def test_title_closeness(left: str, right: str, closeness: int) -> None:
    from reelmatch.catalog.title_search import normalise

    assert title_closeness([normalise(left)], normalise(right)) == closeness
    assert titles_match(left, right) is (closeness > 0)


def test_same_film_needs_the_year_within_one() -> None:
    assert same_film("The Godfather", 1972, movie_title="The Godfather", movie_year=1973)
    assert not same_film("The Godfather", 1972, movie_title="The Godfather", movie_year=1974)
    assert not same_film("Heat", 1995, movie_title="The Heat", movie_year=2013)


def test_without_a_year_only_the_exact_title_counts() -> None:
    assert same_film("Heat", None, movie_title="Heat", movie_year=1995)
    assert not same_film("Heat", None, movie_title="The Heat", movie_year=2013)
