"""Login sessions the server can revoke.

The login cookie holds a random token and its HMAC under the cookie signing key (shared by
every replica); the `sessions` table holds only the token's hash, the user, when it was made
and last used, and the browser it came from. Logging out deletes that row, so a copied cookie
stops working; "Log out everywhere" and a password change delete the others. A session
unused for `REELMATCH_SESSION_DAYS` expires (each use moves that day forward) and is pruned.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from reelmatch.domain import User
from reelmatch.store.account_rows import SessionRow
from reelmatch.store.mapping import user_from_row
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

#: A session's `last_seen_at` (and expiry) move forward at most this often: not every click.
TOUCH_EVERY = timedelta(minutes=5)
MAX_USER_AGENT = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginSession:
    """One of a user's sessions, as Settings lists them."""

    id: str  # the first characters of the stored hash: enough to tell sessions apart
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    method: str
    current: bool


class SessionService:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        key: Callable[[], str],
        days: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """`key` gives the cookie signing key when first needed (it may live in the database)."""
        self._unit_of_work = unit_of_work
        self._key = key
        self._lifetime = timedelta(days=days)
        self._clock = clock

    def open(self, user: User, *, user_agent: str = "", method: str = "password") -> str:
        """A new session for `user`; returns the cookie value that names it."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        row = SessionRow(
            id=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + self._lifetime,
            user_agent=user_agent[:MAX_USER_AGENT],
            method=method,
        )
        with self._unit_of_work() as uow:
            uow.sessions.prune(now=now)  # expired ones go as new ones come (indexed, cheap)
            uow.sessions.add(row)
            uow.commit()
        return f"{token}.{self._sign(token)}"

    def resolve(self, cookie: str | None) -> User | None:
        """The user a cookie's live session belongs to, or None (forged, ended, expired)."""
        session_id = self._session_id(cookie)
        if session_id is None:
            return None
        now = self._clock()
        with self._unit_of_work(read_only=True) as uow:
            found = uow.sessions.live_user(session_id=session_id, now=now)
            if found is None:
                return None
            user, last_seen = user_from_row(found[0]), found[1]
        if now - last_seen >= TOUCH_EVERY:  # a write now and then, not on every click
            with self._unit_of_work() as uow:
                uow.sessions.touch(session_id=session_id, now=now, expires_at=now + self._lifetime)
                uow.commit()
        return user

    def close(self, user: User, cookie: str | None) -> None:
        """Log out: this cookie's session ends, on every replica."""
        session_id = self._session_id(cookie)
        if session_id is not None:
            with self._unit_of_work() as uow:
                uow.sessions.revoke(user_id=user.id, session_id=session_id)
                uow.commit()

    def close_others(self, user: User, cookie: str | None) -> int:
        """ "Log out everywhere else": every session of the user but this cookie's."""
        with self._unit_of_work() as uow:
            ended = uow.sessions.revoke_all(user_id=user.id, keep=self._session_id(cookie))
            uow.commit()
        return ended

    def close_all(self, user: User) -> int:
        """ "Log out everywhere": every session of the user, this one included."""
        with self._unit_of_work() as uow:
            ended = uow.sessions.revoke_all(user_id=user.id)
            uow.commit()
        return ended

    def current_id(self, cookie: str | None) -> str | None:
        """The stored id of this cookie's session (`change_password(keep_session=…)`)."""
        return self._session_id(cookie)

    def sessions(self, user: User, cookie: str | None) -> list[LoginSession]:
        current = self._session_id(cookie)
        with self._unit_of_work(read_only=True) as uow:
            rows = uow.sessions.of_user(user_id=user.id, now=self._clock())
            return [
                LoginSession(
                    id=row.id[:8],
                    created_at=row.created_at,
                    last_seen_at=row.last_seen_at,
                    user_agent=row.user_agent,
                    method=row.method,
                    current=row.id == current,
                )
                for row in rows
            ]

    def prune(self) -> int:
        """Delete expired sessions (a scheduled job and `users sessions prune`)."""
        with self._unit_of_work() as uow:
            pruned = uow.sessions.prune(now=self._clock())
            uow.commit()
        return pruned

    def _sign(self, token: str) -> str:
        return hmac.new(self._key().encode(), token.encode(), hashlib.sha256).hexdigest()[:32]

    def _session_id(self, cookie: str | None) -> str | None:
        token, _, signature = (cookie or "").partition(".")
        if not token or not hmac.compare_digest(signature, self._sign(token)):
            return None
        return _digest(token)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
