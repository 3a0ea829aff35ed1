"""The demo account behind "Try the demo": created on first use, resettable from Settings."""

from __future__ import annotations

import secrets
from datetime import timedelta

from reelmatch.domain import Preferences, User
from reelmatch.errors import NotAllowed, NotFound
from reelmatch.services.library import LibraryService
from reelmatch.services.users import UserService
from reelmatch.store.types import utcnow

DEMO_USERNAME = "demo"
#: A small, recognisable taste so Discover and Recommendations have something to work with
#: (TMDB ids; all are in the offline snapshot).
DEMO_RATINGS = {238: 5.0, 680: 4.5, 603: 4.5, 155: 4.0, 13: 3.5, 27205: 4.5}
DEMO_WATCHLIST = (550, 424)
DEMO_DIARY = ((238, 3, "Rewatched with friends."), (603, 10, None))


class DemoAccount:
    def __init__(self, *, users: UserService, library: LibraryService) -> None:
        self._users = users
        self._library = library

    def user(self) -> User:
        """The demo user, created and seeded the first time someone asks."""
        try:
            return self._users.get_user(DEMO_USERNAME)
        except NotFound:
            return self._create()

    def reset(self, user: User) -> User:
        """Put the demo account back as it started (only the demo account can be reset)."""
        if user.username != DEMO_USERNAME:
            raise NotAllowed("Only the demo account can be reset.")
        self._users.delete_user(user)
        return self._create()

    def _create(self) -> User:
        user = self._users.create_user(
            username=DEMO_USERNAME,
            # Nobody logs in with it: the demo button signs in directly.
            password=secrets.token_urlsafe(24),
            display_name="Demo viewer",
        )
        for movie_id, stars in DEMO_RATINGS.items():
            self._library.rate_movie(user, movie_id, stars)
        for movie_id in DEMO_WATCHLIST:
            self._library.add_to_watchlist(user, movie_id)
        today = utcnow().date()
        for movie_id, days_ago, note in DEMO_DIARY:
            self._library.log_watch(
                user, movie_id, watched_on=today - timedelta(days=days_ago), note=note
            )
        self._users.save_preferences(user, Preferences(favourite_genres=("Science Fiction",)))
        return user
