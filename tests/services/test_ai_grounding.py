"""Grounding AI picks against the offline catalog: only real, unseen, allowed movies survive."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import Movie, MoviePage
from reelmatch.llm import AiPick
from reelmatch.services.ai_grounding import ground_picks, same_movie, titles_match

GODFATHER, MATRIX, PULP, INCEPTION, FIGHT_CLUB, ALIEN = 238, 603, 680, 27205, 550, 348


def pick(title: str, year: int | None, tmdb_id: int | None = None, reason: str = "Fits.") -> AiPick:
    return AiPick(tmdb_id=tmdb_id, title=title, year=year, reason=reason)


def ids(result: object) -> list[int]:
    return [r.movie.id for r in result.recommendations]  # type: ignore[attr-defined]


def test_picks_with_ids_become_ai_recommendations_in_order(
    offline_catalog: OfflineCatalog,
) -> None:
    picks = [
        pick("Inception", 2010, INCEPTION, "Twisty like Memento."),
        pick("The Matrix", 1999, MATRIX, "Sci-fi you rate highly."),
    ]
    result = ground_picks(picks, catalog=offline_catalog)

    assert ids(result) == [INCEPTION, MATRIX]
    first, second = result.recommendations
    assert first.source == "ai"
    assert first.reasons == ("Twisty like Memento.",)
    assert first.movie.title == "Inception"
    assert first.movie.year == 2010
    assert type(first.movie) is Movie  # the plain summary, not MovieDetails
    assert first.score > second.score
    assert result.hallucinations == 0


def test_title_and_year_fallback_resolves_picks_without_ids(
    offline_catalog: OfflineCatalog,
) -> None:
    picks = [
        pick("The Matrix", 1999),
        pick("pulp fiction", 1995),  # case and a year off by one
        pick("The Godfater", 1972),  # a typo in a long enough title
        pick("Fight Club", None),  # exact title, no year
    ]
    result = ground_picks(picks, catalog=offline_catalog)
    assert ids(result) == [MATRIX, PULP, GODFATHER, FIGHT_CLUB]
    assert result.hallucinations == 0


def test_hallucinated_titles_are_dropped_and_counted(offline_catalog: OfflineCatalog) -> None:
    picks = [
        pick("The Galactic Accountant", 2019),  # invented
        pick("Heat", 1995),  # real film, not in the snapshot; "The Heat" (2013) must not match
        pick("Heat", None),  # no year: only an exact title would do
        pick("The Matrix", 2008),  # right title, wrong year
        pick("Alien", 1986),  # "Aliens" is 1986, "Alien" 1979: neither matches both
        pick("Inception", 2010, INCEPTION),
    ]
    result = ground_picks(picks, catalog=offline_catalog)

    assert ids(result) == [INCEPTION]
    assert result.hallucinations == 5
    assert {d.reason for d in result.dropped} == {"not_in_catalog"}
    assert [d.pick.title for d in result.dropped][:2] == ["The Galactic Accountant", "Heat"]


def test_a_wrong_or_unknown_id_falls_back_to_the_title(offline_catalog: OfflineCatalog) -> None:
    picks = [
        pick("Inception", 2010, tmdb_id=999_999_999),  # id not in the catalog
        pick("The Matrix", 1999, tmdb_id=GODFATHER),  # id of another movie
        pick("Made Up Movie", 2001, tmdb_id=PULP),  # real id, invented title: not trusted
    ]
    result = ground_picks(picks, catalog=offline_catalog)
    assert ids(result) == [INCEPTION, MATRIX]
    assert [d.pick.title for d in result.dropped] == ["Made Up Movie"]


def test_already_rated_watchlisted_and_dismissed_movies_are_dropped(
    offline_catalog: OfflineCatalog,
) -> None:
    picks = [
        pick("The Godfather", 1972, GODFATHER),
        pick("The Matrix", 1999),  # rated, found by title
        pick("Pulp Fiction", 1994, PULP),
        pick("Fight Club", 1999, FIGHT_CLUB),
        pick("Inception", 2010, INCEPTION),
    ]
    result = ground_picks(
        picks,
        catalog=offline_catalog,
        rated_ids={GODFATHER, MATRIX},
        watchlist_ids={PULP},
        dismissed_ids=frozenset({FIGHT_CLUB}),
    )
    assert ids(result) == [INCEPTION]
    assert [(d.pick.title, d.reason) for d in result.dropped] == [
        ("The Godfather", "rated"),
        ("The Matrix", "rated"),
        ("Pulp Fiction", "watchlisted"),
        ("Fight Club", "dismissed"),
    ]
    assert result.hallucinations == 4


def test_duplicates_are_dropped_however_they_are_named(offline_catalog: OfflineCatalog) -> None:
    picks = [
        pick("The Matrix", 1999, MATRIX, "first"),
        pick("The Matrix", 1999, MATRIX, "again"),
        pick("the matrix", 1999, None, "by title"),
        pick("Inception", 2010, INCEPTION),
    ]
    result = ground_picks(picks, catalog=offline_catalog)
    assert ids(result) == [MATRIX, INCEPTION]
    assert result.recommendations[0].reasons == ("first",)
    assert [d.reason for d in result.dropped] == ["duplicate", "duplicate"]


def test_with_candidates_only_candidates_survive(offline_catalog: OfflineCatalog) -> None:
    candidates = offline_catalog.movies([MATRIX, INCEPTION])
    picks = [
        pick("The Godfather", 1972, GODFATHER),  # real, but nobody offered it
        pick("Inception", 2010, INCEPTION),
        pick("The Matrix", 1999),
    ]
    result = ground_picks(picks, catalog=offline_catalog, candidates=candidates)
    assert ids(result) == [INCEPTION, MATRIX]
    assert [(d.pick.title, d.reason) for d in result.dropped] == [
        ("The Godfather", "not_a_candidate")
    ]


def test_k_caps_the_kept_picks(offline_catalog: OfflineCatalog) -> None:
    picks = [
        pick("Nope", 2000),
        pick("The Matrix", 1999, MATRIX),
        pick("Inception", 2010, INCEPTION),
        pick("Pulp Fiction", 1994, PULP),
    ]
    result = ground_picks(picks, catalog=offline_catalog, k=2)
    assert ids(result) == [MATRIX, INCEPTION]
    assert result.hallucinations == 1  # picks after the k-th kept one are not examined


class CountingCatalog:
    """The offline catalog, counting what grounding asks of it."""

    def __init__(self, inner: OfflineCatalog) -> None:
        self.inner = inner
        self.movie_calls: list[list[int]] = []
        self.searches: list[str] = []

    def movies(self, movie_ids: list[int]) -> Sequence[Movie]:
        self.movie_calls.append(list(movie_ids))
        return self.inner.movies(movie_ids)

    def search(self, query: str, *, year: int | None = None, page: int = 1) -> MoviePage:
        self.searches.append(query)
        return self.inner.search(query, year=year, page=page)


def test_ids_are_looked_up_in_one_batch_and_candidates_need_no_lookup(
    offline_catalog: OfflineCatalog,
) -> None:
    catalog = CountingCatalog(offline_catalog)
    candidates = offline_catalog.movies([MATRIX])
    picks = [
        pick("The Matrix", 1999, MATRIX),
        pick("Inception", 2010, INCEPTION),
        pick("Pulp Fiction", 1994, PULP),
    ]
    ground_picks(picks, catalog=catalog, candidates=candidates)
    assert catalog.movie_calls == [[PULP, INCEPTION]]
    assert catalog.searches == []


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("The Matrix", "the matrix", True),
        ("Amelie", "Amélie", True),
        ("Matrix", "The Matrix", True),
        ("The Godfater", "The Godfather", True),
        ("Alien", "Aliens", False),
        ("Heat", "Heal", False),
        ("The Matrix", "The Matrix Reloaded", False),
        ("", "", False),
        ("!!!", "???", False),
    ],
)
def test_titles_match(left: str, right: str, same: bool) -> None:
    assert titles_match(left, right) is same


def test_same_movie_needs_the_year_within_one() -> None:
    matrix = Movie(id=MATRIX, title="The Matrix", release_date=None)
    assert same_movie(pick("The Matrix", 1999), matrix) is False  # unknown year cannot agree
    assert same_movie(pick("The Matrix", None), matrix) is True
