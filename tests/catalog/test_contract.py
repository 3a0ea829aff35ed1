"""One contract for every `Catalog` backend: the offline snapshot and live TMDB (served by the
fake TMDB over real HTTP). Both must give the same kinds of answers to the same calls."""

from __future__ import annotations

from datetime import date

import pytest

from reelmatch.catalog import Catalog, Locale
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import DiscoverFilters, Genre, ImageConfig, Movie, MovieDetails, MoviePage
from reelmatch.errors import InvalidInput, NotFound
from tests.catalog.conftest import MakeCatalog

GODFATHER, FIGHT_CLUB, MATRIX, UNKNOWN = 238, 550, 603, 999_999_999
DRAMA, CRIME = 18, 80


@pytest.fixture(params=["offline", "tmdb"])
def catalog(
    request: pytest.FixtureRequest, offline_catalog: OfflineCatalog, make_tmdb_catalog: MakeCatalog
) -> Catalog:
    if request.param == "offline":
        return offline_catalog
    return make_tmdb_catalog()


def assert_page(page: MoviePage, *, number: int = 1, filled: bool = True) -> None:
    assert isinstance(page, MoviePage)
    assert page.page == number
    assert 1 <= page.total_pages <= 500
    assert all(isinstance(movie, Movie) for movie in page.movies)
    assert len(page.movies) <= 20
    assert len({movie.id for movie in page.movies}) == len(page.movies)
    if filled:
        assert page.movies
        assert page.total_results >= len(page.movies)
    assert page.stale is False


def test_mode_names_the_backend(catalog: Catalog) -> None:
    assert catalog.mode in ("offline", "tmdb")


def test_configuration_builds_image_urls(catalog: Catalog) -> None:
    config = catalog.configuration()
    assert isinstance(config, ImageConfig)
    grid = config.poster_url("/abc.jpg", place="grid")
    detail = config.poster_url("/abc.jpg", place="detail")
    assert grid is not None
    assert grid.endswith("/w342/abc.jpg")
    assert detail is not None
    assert detail.endswith("/w500/abc.jpg")
    assert config.poster_url(None) is None


def test_genres(catalog: Catalog) -> None:
    genres = catalog.genres()
    assert all(isinstance(g, Genre) for g in genres)
    names = {g.id: g.name for g in genres}
    assert names[DRAMA] == "Drama"
    assert names[CRIME] == "Crime"


@pytest.mark.parametrize("name", ["popular", "top_rated", "now_playing", "upcoming"])
def test_lists(catalog: Catalog, name: str) -> None:
    first = getattr(catalog, name)(1)
    assert_page(first)
    if first.total_pages > 1:
        second = getattr(catalog, name)(page=2)
        assert_page(second, number=2)
        assert not {m.id for m in first.movies} & {m.id for m in second.movies}


def test_a_locale_changes_the_words_not_the_movies(catalog: Catalog) -> None:
    """Live TMDB answers in the viewer's language; the offline snapshot is English-only."""
    french = Locale("fr", "FR")
    assert_page(catalog.now_playing(1, locale=french))
    ids = [m.id for m in catalog.popular(1).movies]
    assert [m.id for m in catalog.popular(1, locale=french).movies] == ids
    details = catalog.movie(FIGHT_CLUB, locale=french)
    assert details.id == FIGHT_CLUB
    assert details.title == ("Fight Club" if catalog.mode == "offline" else "Fight Club [fr]")


def test_popular_is_ordered_by_popularity(catalog: Catalog) -> None:
    movies = catalog.popular().movies
    assert len(movies) == 20
    scores = [m.popularity or 0 for m in movies]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("window", ["day", "week"])
def test_trending(catalog: Catalog, window: str) -> None:
    assert_page(catalog.trending(window, 1))  # type: ignore[arg-type]


def test_trending_refuses_an_unknown_window(catalog: Catalog) -> None:
    with pytest.raises(InvalidInput, match="day"):
        catalog.trending("month")  # type: ignore[arg-type]


@pytest.mark.parametrize(("asked", "served"), [(0, 1), (-5, 1), (10_000, 500), (500, 500)])
def test_pages_are_clamped_to_1_through_500(catalog: Catalog, asked: int, served: int) -> None:
    page = catalog.popular(asked)
    assert_page(page, number=served, filled=served == 1)


def test_search_finds_by_title_and_year(catalog: Catalog) -> None:
    found = catalog.search("godfather")
    assert_page(found)
    assert GODFATHER in [m.id for m in found.movies]
    assert [m.id for m in catalog.search("The Godfather", year=1972).movies][:1] == [GODFATHER]
    assert GODFATHER not in [m.id for m in catalog.search("godfather", year=1990).movies]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "\x00\x07\x1b[31mred\x1b[0m",
        "🎬🍿🎥",
        "' OR 1=1 --",
        "%00%zz&page=3",
    ],
)
@pytest.mark.parametrize("page", [1, 0, 10_000])
def test_odd_searches_give_sane_pages(catalog: Catalog, query: str, page: int) -> None:
    found = catalog.search(query, page=page)
    assert isinstance(found, MoviePage)
    assert found.page in (1, 500)
    assert all(isinstance(m, Movie) for m in found.movies)
    if not query.strip():
        assert found.movies == ()


def test_search_with_an_absurd_year_finds_nothing(catalog: Catalog) -> None:
    assert catalog.search("godfather", year=99_999).movies == ()


def test_discover_all_genres(catalog: Catalog) -> None:
    found = catalog.discover(DiscoverFilters(genres=(DRAMA, CRIME), genres_mode="all"))
    assert_page(found)
    assert all({"Drama", "Crime"} <= set(m.genres) for m in found.movies)


def test_discover_any_genre_recent_and_well_voted(catalog: Catalog) -> None:
    filters = DiscoverFilters(
        genres=(DRAMA, CRIME),
        genres_mode="any",
        release_from=date(2010, 1, 1),
        min_vote_count=1000,
        sort_by="vote_average.desc",
    )
    found = catalog.discover(filters)
    assert_page(found)
    for movie in found.movies:
        assert {"Drama", "Crime"} & set(movie.genres)
        assert movie.release_date is not None
        assert movie.release_date >= date(2010, 1, 1)
        assert (movie.vote_count or 0) >= 1000


def test_discover_with_providers_but_no_region_says_so(catalog: Catalog) -> None:
    found = catalog.discover(DiscoverFilters(watch_providers=(8,)))
    assert found.notice


def test_movie_details(catalog: Catalog) -> None:
    movie = catalog.movie(GODFATHER)
    assert isinstance(movie, MovieDetails)
    assert movie.title == "The Godfather"
    assert movie.year == 1972
    assert movie.runtime == 175
    assert {"Drama", "Crime"} <= set(movie.genres)
    assert movie.overview
    assert movie.keywords
    assert all(isinstance(m, Movie) for m in movie.similar + movie.recommendations)


@pytest.mark.parametrize("movie_id", [UNKNOWN, 0, -1])
def test_unknown_movie_is_not_found(catalog: Catalog, movie_id: int) -> None:
    with pytest.raises(NotFound, match="TMDB id"):
        catalog.movie(movie_id)


def test_movies_keeps_order_and_leaves_out_unknown_ids(catalog: Catalog) -> None:
    found = catalog.movies([MATRIX, UNKNOWN, GODFATHER, MATRIX])
    assert [m.id for m in found] == [MATRIX, GODFATHER]
    assert all(isinstance(m, MovieDetails) for m in found)
    assert catalog.movies([]) == []
    assert catalog.movies([UNKNOWN]) == []


@pytest.mark.parametrize("imdb_id", ["tt0068646", " TT0068646 "])
def test_find_by_imdb_id(catalog: Catalog, imdb_id: str) -> None:
    found = catalog.find_by_imdb_id(imdb_id)
    if catalog.mode == "offline":
        assert found is None  # the snapshot has no IMDb ids
    else:
        assert found is not None
        assert found.id == GODFATHER


@pytest.mark.parametrize("imdb_id", ["", "nonsense", "tt", "tt9999999", "x" * 5000])
def test_find_by_unknown_or_malformed_imdb_id_is_none(catalog: Catalog, imdb_id: str) -> None:
    assert catalog.find_by_imdb_id(imdb_id) is None


def test_watch_providers_by_region(catalog: Catalog) -> None:
    providers = catalog.watch_providers("US")
    if catalog.mode == "offline":
        assert providers == []
        return
    names = [provider.name for provider in providers]
    assert "Netflix" in names
    assert all(provider.id > 0 for provider in providers)
    assert catalog.watch_providers("not a region") == []
