"""Concurrent writes to one (user, movie) end in exactly one row, last write wins."""

from __future__ import annotations

import threading

from sqlalchemy import select

from reelmatch.bootstrap import Services
from reelmatch.store.models import UserMovieRow
from reelmatch.store.uow import UnitOfWork

THREADS = 8


def test_eight_threads_rating_the_same_movie(services: Services) -> None:
    user = services.users.create_user(username="racer", password="password1")
    services.library.rate_movie(user, 238, 1)  # warm the movie row and the pool
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    finished: list[float] = []
    lock = threading.Lock()

    def rate(stars: float) -> None:
        try:
            barrier.wait()
            services.library.rate_movie(user, 238, stars)
            with lock:
                finished.append(stars)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=rate, args=(0.5 * (i + 2),)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with UnitOfWork(services.database, read_only=True) as uow:
        ratings = uow.session.scalars(select(UserMovieRow.rating)).all()
    assert len(ratings) == 1
    assert ratings[0] in finished
    assert len(finished) == THREADS


def test_concurrent_first_ratings_of_a_new_movie(services: Services) -> None:
    """The movie row does not exist yet: every thread upserts it too."""
    users = [
        services.users.create_user(username=f"user{i}", password="password1")
        for i in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def rate(index: int) -> None:
        try:
            barrier.wait()
            services.library.rate_movie(users[index], 680, 4)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=rate, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with UnitOfWork(services.database, read_only=True) as uow:
        assert uow.library.community_rating(movie_id=680) == (4.0, THREADS)
