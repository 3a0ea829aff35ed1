"""Failed-attempt throttling, shared by every replica: in Redis when REDIS_URL is set (and
while it answers), in the database otherwise.

Failures are counted per subject within a rolling window: per username tried (whether or not
it exists, so a lock never tells), per client, and sign-ups per client. Past `max_failures`
in the window, each further attempt must wait: 30 s after the last failure, doubling with
every failure past the limit, up to `max_delay` (15 minutes). Subjects are stored hashed.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from reelmatch.cache.redis_link import RedisLink
from reelmatch.errors import RateLimited
from reelmatch.store.uow import UowFactory

Scope = Literal["user", "client", "signup"]


@dataclass(frozen=True, slots=True)
class Limit:
    max_failures: int
    window: float = 900.0
    base_delay: float = 30.0
    max_delay: float = 900.0

    def wait(self, failures: list[float], now: float) -> float:
        """Seconds still to wait after these failure times (0 when an attempt may go on)."""
        excess = len(failures) - self.max_failures
        if excess < 0:
            return 0.0
        delay = min(self.max_delay, self.base_delay * 2.0**excess)
        return max(0.0, failures[-1] + delay - now)


class FailureStore(Protocol):
    def record(self, scope: Scope, subject: str, at: float) -> None: ...
    def recent(self, scope: Scope, subject: str, since: float) -> list[float]: ...
    def clear(self, scope: Scope, subject: str) -> None: ...


class SqlFailures:
    """`auth_failures` rows: shared by every process on the same database."""

    def __init__(self, unit_of_work: UowFactory) -> None:
        self._unit_of_work = unit_of_work

    def record(self, scope: Scope, subject: str, at: float) -> None:
        with self._unit_of_work() as uow:
            uow.auth_failures.add(scope=scope, subject=subject, at=_datetime(at))
            uow.commit()

    def recent(self, scope: Scope, subject: str, since: float) -> list[float]:
        with self._unit_of_work(read_only=True) as uow:
            found = uow.auth_failures.since(scope=scope, subject=subject, since=_datetime(since))
        return [moment.timestamp() for moment in found]

    def clear(self, scope: Scope, subject: str) -> None:
        with self._unit_of_work() as uow:
            uow.auth_failures.clear(scope=scope, subject=subject)
            uow.commit()


class RedisFailures:
    """A sorted set of failure times per subject, expiring with the window; the database
    stands in while Redis is down (attempts are never waved through for an outage)."""

    def __init__(self, link: RedisLink, *, fallback: FailureStore, window: float) -> None:
        self._link = link
        self._fallback = fallback
        self._window = window

    def _key(self, scope: Scope, subject: str) -> str:
        return self._link.key(f"auth:{scope}:{subject}")

    def record(self, scope: Scope, subject: str, at: float) -> None:
        key, member = self._key(scope, subject), f"{at:.6f}:{secrets.token_hex(4)}"

        def add(client: object) -> bool:
            pipe = client.pipeline()  # type: ignore[attr-defined]
            pipe.zadd(key, {member: at}).expire(key, math.ceil(self._window)).execute()
            return True

        if not self._link.call(add, False):
            self._fallback.record(scope, subject, at)

    def recent(self, scope: Scope, subject: str, since: float) -> list[float]:
        key = self._key(scope, subject)
        found = self._link.call(
            lambda client: client.zrangebyscore(key, since, "+inf", withscores=True), None
        )
        if found is None:
            return self._fallback.recent(scope, subject, since)
        return sorted(float(pair[1]) for pair in found)

    def clear(self, scope: Scope, subject: str) -> None:
        self._link.call(lambda client: client.delete(self._key(scope, subject)), 0)
        self._fallback.clear(scope, subject)


class AttemptThrottle:
    def __init__(
        self,
        store: FailureStore,
        *,
        limits: dict[Scope, Limit],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._limits = limits
        self._clock = clock

    def check(self, scope: Scope, subject: str) -> None:
        """Raise `RateLimited` (with `retry_after`) while `subject` must wait."""
        limit, now = self._limits[scope], self._clock()
        wait = limit.wait(self._store.recent(scope, _hash(subject), now - limit.window), now)
        if wait > 0:
            raise RateLimited(_try_again(wait), retry_after=wait)

    def failed(self, scope: Scope, subject: str) -> None:
        self._store.record(scope, _hash(subject), self._clock())

    def forget(self, scope: Scope, subject: str) -> None:
        """Start over (a successful login; an admin's `users unlock`)."""
        self._store.clear(scope, _hash(subject))


def _hash(subject: str) -> str:
    return hashlib.sha256(subject.strip().lower().encode()).hexdigest()


def _datetime(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


def _try_again(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    when = f"{math.ceil(seconds)} seconds" if seconds < 90 else f"{minutes} minutes"
    return f"Too many attempts. Please try again in {when}."
