"""The demo behind "Try the demo": a private sandbox account per visitor (decision 89).

Each click makes a new account called `demo-<random>` with no usable password, seeded with
the same ratings, watchlist and diary. Its `sandbox_expires_at` is 24 hours after its last
use (each page run moves it forward, at most every few minutes); the `prune_sandboxes` job
deletes idle sandboxes with every row they own. "Keep this account" makes one a real
account (a username and password, checked and throttled like sign-up), keeping its data.

A second, passive account (`demo-friend`, never signed into) rates a slightly different set
of films and is shared by every sandbox: both opt in to movie night, so the demo shows a
two-person movie night at once. Sandboxes never see each other there.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from reelmatch.domain import Preferences, User
from reelmatch.errors import InvalidInput, NotAllowed, NotFound
from reelmatch.services.library import LibraryService
from reelmatch.services.users import (
    DEMO_FRIEND_USERNAME,
    DEMO_USERNAME,
    SANDBOX_PREFIX,
    UserService,
)
from reelmatch.store.mapping import user_from_row
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

__all__ = ["DEMO_USERNAME", "SANDBOX_IDLE", "DemoAccount"]

#: A small, recognisable taste so Discover and Recommendations have something to work with
#: (TMDB ids; all are in the offline snapshot).
DEMO_RATINGS = {238: 5.0, 680: 4.5, 603: 4.5, 155: 4.0, 13: 3.5, 27205: 4.5}
DEMO_WATCHLIST = (550, 424)
DEMO_DIARY = ((238, 3, "Rewatched with friends."), (603, 10, None))
DEMO_FRIEND_RATINGS = {603: 5.0, 11: 5.0, 120: 4.5, 155: 4.5, 105: 4.0, 329: 4.0, 680: 2.0}

#: A sandbox left unused this long is deleted by the prune job.
SANDBOX_IDLE = timedelta(hours=24)
#: Its expiry moves forward at most this often (not a write per click).
TOUCH_EVERY = timedelta(minutes=5)
#: Not a bcrypt hash: no password matches it, so nobody logs in to a sandbox with a form.
UNUSABLE_HASH = "!sandbox"
#: What "Reset the demo" leaves: the login, linked identities and the analytics events.
RESET_KEEPS = frozenset({"sessions", "identities", "events"})
#: Sandboxes deleted per unit of work listing (each is deleted in its own).
PRUNE_BATCH = 200


class DemoAccount:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        users: UserService,
        library: LibraryService,
        clock: Callable[[], datetime] = utcnow,
        idle: timedelta = SANDBOX_IDLE,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._users = users
        self._library = library
        self._clock = clock
        self._idle = idle

    def user(self) -> User:
        """A new private sandbox for one visitor, seeded like the demo always was."""
        self._ensure_friend()
        user = self._new_sandbox()
        try:
            self._seed(user)
        except BaseException:
            self._delete(user.id)  # no half-seeded sandbox is left behind
            raise
        return user

    def reset(self, user: User) -> User:
        """Put this sandbox back as it started (only a sandbox, and only its own rows); the
        login stays valid."""
        with self._unit_of_work() as uow:
            row = uow.users.by_id(user.id)
            if row is None or row.sandbox_expires_at is None:
                raise NotAllowed("Only a demo account can be reset.")
            uow.sandboxes.delete_owned(user_id=user.id, keep=RESET_KEEPS)
            until = self._clock() + self._idle
            uow.sandboxes.extend(user_id=user.id, until=until)
            uow.commit()
        fresh = replace(user, sandbox_expires_at=until)
        self._seed(fresh)
        return fresh

    def touch(self, user: User) -> User:
        """Someone is using this sandbox: it expires `SANDBOX_IDLE` from now (written at most
        every `TOUCH_EVERY`). Real accounts are returned as they are."""
        if user.sandbox_expires_at is None:
            return user
        until = self._clock() + self._idle
        if until - user.sandbox_expires_at < TOUCH_EVERY:
            return user
        with self._unit_of_work() as uow:
            uow.sandboxes.extend(user_id=user.id, until=until)
            uow.commit()
        return replace(user, sandbox_expires_at=until)

    def keep(
        self,
        user: User,
        *,
        username: str,
        password: str,
        display_name: str | None = None,
        client: str = "",
    ) -> User:
        """ "Keep this account": see `UserService.keep_sandbox`."""
        return self._users.keep_sandbox(
            user, username=username, password=password, display_name=display_name, client=client
        )

    def prune(self) -> int:
        """Delete every sandbox idle past its expiry with all its rows, each in one unit of
        work that first checks it is still expired (a visitor back in time, or one who kept
        the account meanwhile, is left alone). How many were deleted."""
        now = self._clock()
        pruned = 0
        while True:
            with self._unit_of_work(read_only=True) as uow:
                expired = uow.sandboxes.expired_ids(now=now, limit=PRUNE_BATCH)
            for user_id in expired:
                pruned += self._delete(user_id, expired_at=now)
            if len(expired) < PRUNE_BATCH:
                return pruned

    def _delete(self, user_id: int, *, expired_at: datetime | None = None) -> int:
        with self._unit_of_work() as uow:
            if expired_at is not None and not uow.sandboxes.lock_if_expired(
                user_id=user_id, now=expired_at
            ):
                return 0
            uow.sandboxes.delete_owned(user_id=user_id)
            uow.sandboxes.delete_user(user_id=user_id)
            uow.commit()
        return 1

    def _new_sandbox(self) -> User:
        for _ in range(5):  # 40 random bits: a clash is all but impossible, and retried
            name = f"{SANDBOX_PREFIX}{secrets.token_hex(5)}"
            with self._unit_of_work() as uow:
                if uow.users.by_username(name) is not None:
                    continue
                try:
                    row = uow.users.add(
                        username=name,
                        display_name="Demo viewer",
                        email=None,
                        password_hash=UNUSABLE_HASH,
                        role="user",
                        sandbox_expires_at=self._clock() + self._idle,
                    )
                    uow.commit()
                except IntegrityError:
                    continue
                return user_from_row(row)
        raise InvalidInput("Could not make a demo account; please try again.")

    def _seed(self, user: User) -> None:
        for movie_id, stars in DEMO_RATINGS.items():
            self._library.rate_movie(user, movie_id, stars)
        for movie_id in DEMO_WATCHLIST:
            self._library.add_to_watchlist(user, movie_id)
        today = self._clock().date()
        for movie_id, days_ago, note in DEMO_DIARY:
            self._library.log_watch(
                user, movie_id, watched_on=today - timedelta(days=days_ago), note=note
            )
        self._users.save_preferences(
            user, Preferences(favourite_genres=("Science Fiction",), movie_night_opt_in=True)
        )

    def _ensure_friend(self) -> None:
        try:
            self._users.get_user(DEMO_FRIEND_USERNAME)
            return
        except NotFound:
            pass
        try:
            friend = self._users.create_user(
                username=DEMO_FRIEND_USERNAME,
                # Nobody logs in with it: it is never signed into.
                password=secrets.token_urlsafe(24),
                display_name="Demo friend",
                reserved=True,
            )
        except InvalidInput:  # another visitor's first click made it just now
            return
        for movie_id, stars in DEMO_FRIEND_RATINGS.items():
            self._library.rate_movie(friend, movie_id, stars)
        self._users.save_preferences(friend, Preferences(movie_night_opt_in=True))
