"""TMDB JSON -> domain values, on TMDB's own example responses and on incomplete ones."""

from __future__ import annotations

from datetime import date

from reelmatch.catalog.tmdb_mapping import (
    details_from_response,
    genres_from_response,
    image_config_from_response,
    page_from_response,
)
from tests.support.fake_tmdb_data import fixture


def german_genres() -> dict[int, str]:
    return {g.id: g.name for g in genres_from_response(fixture("genre_movie_list.json"))}


def test_popular_example_page() -> None:
    page = page_from_response(fixture("movie_popular.json"), german_genres())
    assert page.page == 1
    assert len(page.movies) == 20
    first = page.movies[0]
    assert first.id == 640146
    assert first.title == "Ant-Man and the Wasp: Quantumania"
    assert first.genres == ("Action", "Abenteuer", "Science Fiction")
    assert first.release_date == date(2023, 2, 15)
    assert first.poster_path == "/ngl2FKBlU4fhbdsrtdom9LVLBXw.jpg"
    assert first.vote_count == 1886


def test_now_playing_example_has_dates_but_same_page_shape() -> None:
    page = page_from_response(fixture("movie_now_playing.json"), {})
    assert page.movies
    assert all(movie.genres == () for movie in page.movies)  # no genre names known


def test_details_example_without_appended_parts() -> None:
    movie = details_from_response(fixture("movie_11.json"), {})
    assert movie is not None
    assert movie.title == "Star Wars"
    assert movie.genres == ("Adventure", "Action", "Science Fiction")
    assert movie.runtime == 121
    assert movie.imdb_id == "tt0076759"
    assert movie.tagline.startswith("A long time ago")
    assert (movie.directors, movie.cast, movie.trailer) == ((), (), None)
    assert movie.watch_providers == {}
    assert movie.certifications == {}


def test_missing_and_odd_fields_are_normal() -> None:
    movie = details_from_response({"id": 5, "runtime": 0, "genres": None, "credits": "?"}, {})
    assert movie is not None
    assert movie.title == "Untitled"
    assert movie.runtime is None
    assert movie.release_date is None
    assert movie.poster_path is None
    assert movie.genres == ()
    assert details_from_response({"title": "no id"}, {}) is None

    page = page_from_response(
        {
            "results": [
                None,
                {"title": "no id"},
                {"id": "7"},
                {"id": 8, "release_date": "2023-13-45", "genre_ids": [18, 999, "x"]},
                {"id": 9, "original_title": "Only original", "vote_average": "high"},
            ],
            "total_pages": 40_000,
            "page": 0,
        },
        {18: "Drama"},
    )
    assert [m.id for m in page.movies] == [8, 9]
    assert page.movies[0].release_date is None
    assert page.movies[0].genres == ("Drama",)
    assert page.movies[1].title == "Only original"
    assert page.movies[1].vote_average is None
    assert (page.page, page.total_pages, page.total_results) == (1, 500, 2)


def test_image_configuration() -> None:
    config = image_config_from_response(fixture("configuration.json"))
    assert config.secure_base_url == "https://image.tmdb.org/t/p/"
    assert config.poster_url("/p.jpg") == "https://image.tmdb.org/t/p/w342/p.jpg"
    assert config.backdrop_url("/b.jpg") == "https://image.tmdb.org/t/p/w1280/b.jpg"
    assert image_config_from_response({}) == image_config_from_response({"images": None})
