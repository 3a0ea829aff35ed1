"""A small synthetic movie world with clear tastes, for engine tests (no MovieLens data).

Four crowds: science-fiction fans, crime fans, romance fans and fans of a ten-part "Saga"
franchise. Each fan likes most of their crowd's movies and dislikes a few others. Movie ids
look like TMDB ids; release dates, a horror movie (for avoided genres) and an adult movie
(for `hide_adult`) exercise the filters.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from reelmatch.domain import Movie
from reelmatch.recommend import MovieFeatures, RatingsSnapshot


def _movie(
    movie_id: int,
    title: str,
    year: int,
    genres: tuple[str, ...],
    keywords: tuple[str, ...] = (),
    *,
    votes: int = 1000,
    adult: bool = False,
) -> Movie:
    return Movie(
        id=movie_id,
        title=title,
        release_date=date(year, 6, 1),
        genres=genres,
        keywords=keywords,
        vote_average=7.0,
        vote_count=votes,
        popularity=10.0,
        adult=adult,
    )


SCIFI = [
    _movie(101, "Alien", 1979, ("Science Fiction", "Horror"), ("space", "alien", "spaceship")),
    _movie(102, "Aliens", 1986, ("Science Fiction", "Action"), ("space", "alien", "marine")),
    _movie(103, "Blade Runner", 1982, ("Science Fiction",), ("android", "future", "dystopia")),
    _movie(104, "The Matrix", 1999, ("Science Fiction", "Action"), ("simulation", "future")),
    _movie(105, "Arrival", 2016, ("Science Fiction", "Drama"), ("alien", "language")),
    _movie(106, "Interstellar", 2014, ("Science Fiction", "Drama"), ("space", "time travel")),
    _movie(107, "Moon", 2009, ("Science Fiction",), ("space", "clone")),
    _movie(108, "Gattaca", 1997, ("Science Fiction", "Drama"), ("dystopia", "genetics")),
]
CRIME = [
    _movie(201, "Heat", 1995, ("Crime", "Thriller"), ("heist", "los angeles", "detective")),
    _movie(202, "Collateral", 2004, ("Crime", "Thriller"), ("los angeles", "hitman", "taxi")),
    _movie(203, "The Town", 2010, ("Crime", "Thriller"), ("heist", "boston")),
    _movie(204, "Thief", 1981, ("Crime", "Drama"), ("heist", "safecracker")),
    _movie(205, "Reservoir Dogs", 1992, ("Crime", "Thriller"), ("heist", "betrayal")),
    _movie(206, "Inside Man", 2006, ("Crime", "Thriller"), ("heist", "bank", "hostage")),
]
ROMANCE = [
    _movie(301, "Before Sunrise", 1995, ("Romance", "Drama"), ("train", "vienna")),
    _movie(302, "Before Sunset", 2004, ("Romance", "Drama"), ("paris", "reunion")),
    _movie(303, "Notting Hill", 1999, ("Romance", "Comedy"), ("london", "bookshop")),
    _movie(304, "Amélie", 2001, ("Romance", "Comedy"), ("paris", "whimsy")),
    _movie(305, "Brief Encounter", 1945, ("Romance", "Drama"), ("train", "affair")),
]
SAGA = [
    _movie(
        600 + n, f"Saga Part {n}", 2000 + n, ("Adventure", "Fantasy"), ("saga", "quest", "dragon")
    )
    for n in range(1, 11)
]
OTHERS = [
    _movie(401, "Hereditary", 2018, ("Horror",), ("haunting", "family"), votes=300),
    _movie(402, "The Shining", 1980, ("Horror", "Thriller"), ("hotel", "haunting")),
    _movie(501, "Night Film", 2001, ("Drama",), ("night",), adult=True),
    _movie(701, "Obscure Short", 2020, ("Animation",), ("short",), votes=3),
]
MOVIES = [*SCIFI, *CRIME, *ROMANCE, *SAGA, *OTHERS]
CROWDS = {"scifi": SCIFI, "crime": CRIME, "romance": ROMANCE, "saga": SAGA}
DIRECTORS = {201: ("Michael Mann",), 202: ("Michael Mann",), 204: ("Michael Mann",)}
RELATED = {103: (108,), 105: (107,)}
COLLECTIONS = {**{m.id: "Saga Collection" for m in SAGA}, 101: "Alien Collection"}
COLLECTIONS[102] = "Alien Collection"


def features() -> list[MovieFeatures]:
    return [
        MovieFeatures(
            movie=movie,
            directors=DIRECTORS.get(movie.id, ()),
            cast=("Al Pacino", "Robert De Niro") if movie.id == 201 else (),
            related_ids=RELATED.get(movie.id, ()),
            collection=COLLECTIONS.get(movie.id),
        )
        for movie in MOVIES
    ]


def crowd_of(user_id: int) -> str:
    return list(CROWDS)[(user_id - 1) % len(CROWDS)]


def snapshot(*, users: int = 40, seed: int = 7) -> RatingsSnapshot:
    """Users 1…`users` cycle through the crowds; each likes ~70% of their crowd's movies
    (4–5★, in a random order over time) and rates two movies of another crowd 1–2★.

    User 1 is fixed: likes Alien, Aliens, Blade Runner, The Matrix (5★) and Arrival (4.5★,
    latest), dislikes Collateral and Notting Hill, has Interstellar on the watchlist and
    dismissed Moon."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[int, int, float, float]] = [
        *(
            (1, movie_id, 5.0, 1_500_000_000.0 + n)
            for n, movie_id in enumerate((101, 102, 103, 104))
        ),
        (1, 105, 4.5, 1_500_000_010.0),
        (1, 202, 2.0, 1_500_000_005.0),
        (1, 303, 1.0, 1_500_000_006.0),
    ]
    for user in range(2, users + 1):
        crowd = CROWDS[crowd_of(user)]
        liked = [m.id for m in crowd if rng.random() < 0.7] or [crowd[0].id]
        others = [m.id for m in MOVIES if m not in crowd and m.id < 400]
        disliked = rng.choice(others, size=2, replace=False).tolist()
        clock = 1_600_000_000.0 + user * 10_000
        for step, movie_id in enumerate(rng.permutation(liked).tolist()):
            rows.append((user, movie_id, float(rng.choice([4.0, 4.5, 5.0])), clock + step))
        for movie_id in disliked:
            rows.append((user, int(movie_id), float(rng.choice([1.0, 2.0])), clock - 1))
    return RatingsSnapshot.from_rows(rows, watchlists={1: {106}}, dismissed={1: {107}})
