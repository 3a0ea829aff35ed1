"""The demo account behind "Try the demo": created on first use, resettable from Settings.

A second, passive account (`demo-friend`, never signed into) rates a slightly different set
of films; both opt in to movie night, so the demo shows a two-person movie night at once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from reelmatch.domain import Preferences, User
from reelmatch.errors import NotAllowed, NotFound
from reelmatch.services.library import LibraryService
from reelmatch.services.users import DEMO_FRIEND_USERNAME, DEMO_USERNAME, UserService
from reelmatch.store.types import utcnow

__all__ = ["DEMO_USERNAME", "DemoAccount"]

#: A small, recognisable taste so Discover and Recommendations have something to work with
#: (TMDB ids; all are in the offline snapshot).
DEMO_RATINGS = {238: 5.0, 680: 4.5, 603: 4.5, 155: 4.0, 13: 3.5, 27205: 4.5}
DEMO_WATCHLIST = (550, 424)
DEMO_DIARY = ((238, 3, "Rewatched with friends."), (603, 10, None))
DEMO_FRIEND_RATINGS = {603: 5.0, 11: 5.0, 120: 4.5, 155: 4.5, 105: 4.0, 329: 4.0, 680: 2.0}


class DemoAccount:
    def __init__(self, *, users: UserService, library: LibraryService) -> None:
        self._users = users
        self._library = library

    def user(self) -> User:
        """The demo user, created and seeded the first time someone asks. An admin called
        "demo" (made before the name was reserved) is never handed out without a password."""
        try:
            user = self._users.get_user(DEMO_USERNAME)
        except NotFound:
            return self._create()
        if user.role != "user":
            raise NotAllowed("The demo is unavailable here: an admin account is called “demo”.")
        return user

    def reset(self, user: User) -> User:
        """Put the demo account back as it started (only the demo account can be reset)."""
        if user.username != DEMO_USERNAME:
            raise NotAllowed("Only the demo account can be reset.")
        self._users.delete_user(user)
        return self._create()

    def _create(self) -> User:
        self._ensure_friend()
        user = self._reserved_account(DEMO_USERNAME, "Demo viewer")
        for movie_id, stars in DEMO_RATINGS.items():
            self._library.rate_movie(user, movie_id, stars)
        for movie_id in DEMO_WATCHLIST:
            self._library.add_to_watchlist(user, movie_id)
        today = utcnow().date()
        for movie_id, days_ago, note in DEMO_DIARY:
            self._library.log_watch(
                user, movie_id, watched_on=today - timedelta(days=days_ago), note=note
            )
        self._users.save_preferences(
            user, Preferences(favourite_genres=("Science Fiction",), movie_night_opt_in=True)
        )
        return user

    def _ensure_friend(self) -> None:
        try:
            self._users.get_user(DEMO_FRIEND_USERNAME)
            return
        except NotFound:
            pass
        friend = self._reserved_account(DEMO_FRIEND_USERNAME, "Demo friend")
        for movie_id, stars in DEMO_FRIEND_RATINGS.items():
            self._library.rate_movie(friend, movie_id, stars)
        self._users.save_preferences(friend, Preferences(movie_night_opt_in=True))

    def _reserved_account(self, username: str, display_name: str) -> User:
        return self._users.create_user(
            username=username,
            # Nobody logs in with it: the demo button signs in directly.
            password=secrets.token_urlsafe(24),
            display_name=display_name,
            reserved=True,
        )
