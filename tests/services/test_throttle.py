"""Failed logins lock a username (known or not, alike) with growing waits, shared by every
process: through the database, or Redis when it is set; sign-ups are limited per client."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from reelmatch.errors import RateLimited
from reelmatch.services.throttle import AttemptThrottle, Limit, SqlFailures
from reelmatch.services.users import UserService
from reelmatch.store.account_rows import AuthFailureRow
from reelmatch.store.uow import UnitOfWork
from tests.support.redis import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]

Make = Callable[..., Services]


@pytest.fixture
def make(db_url: str, tmp_path: Path, offline_catalog: OfflineCatalog) -> Make:
    built: list[Services] = []

    def build(**settings: str) -> Services:
        options = {"DATABASE_URL": db_url, "REELMATCH_DATA_DIR": str(tmp_path / "var")}
        services = build_services(
            load_settings(**(options | settings)), catalog=offline_catalog, bcrypt_rounds=4
        )
        built.append(services)
        return services

    yield build  # type: ignore[misc]
    for services in built:
        services.close()


def _fail(services: Services, username: str, times: int, *, client: str = "") -> None:
    for _ in range(times):
        assert services.users.authenticate(username, "wrong-password", client=client) is None


def _stored_failures(services: Services) -> int:
    with UnitOfWork(services.database, read_only=True) as uow:
        return len(uow.session.query(AuthFailureRow).all())


def test_five_failures_lock_the_username_even_for_the_right_password(make: Make) -> None:
    services = make()
    services.users.create_user(username="amy", password="password1")
    _fail(services, "amy", 5)
    with pytest.raises(RateLimited, match="try again in 30 seconds") as locked:
        services.users.authenticate("amy", "password1")
    assert locked.value.retry_after is not None
    assert 25 < locked.value.retry_after <= 30


def test_an_unknown_username_is_locked_exactly_alike(make: Make) -> None:
    services = make()
    services.users.create_user(username="amy", password="password1")
    _fail(services, "amy", 5)
    _fail(services, "nobody", 5)
    messages = []
    for name in ("amy", "nobody"):
        with pytest.raises(RateLimited) as locked:
            services.users.authenticate(name, "password1")
        messages.append(locked.value.message)
    assert messages[0] == messages[1]


def test_the_wait_doubles_and_an_admin_can_unlock(make: Make) -> None:
    services = make()
    services.users.create_user(username="amy", password="password1")
    now = [1_000_000.0]
    throttle = AttemptThrottle(
        SqlFailures(services.database.unit_of_work),
        limits={"user": Limit(5), "client": Limit(20)},
        clock=lambda: now[0],
    )
    users = UserService(services.database.unit_of_work, bcrypt_rounds=4, throttle=throttle)
    for _ in range(5):
        assert users.authenticate("amy", "wrong-password") is None
    waits = []
    for _ in range(3):
        with pytest.raises(RateLimited) as locked:
            users.authenticate("amy", "password1")  # locked: not even checked
        waits.append(locked.value.retry_after)
        now[0] += float(locked.value.retry_after or 0) + 0.1  # the wait is over …
        assert users.authenticate("amy", "wrong-password") is None  # … and wasted again
    assert waits == pytest.approx([30, 60, 120], abs=0.5)
    users.unlock("Amy")
    assert users.authenticate("amy", "password1") is not None


def test_the_lock_survives_a_restart_without_redis(make: Make) -> None:
    first = make()
    first.users.create_user(username="amy", password="password1")
    _fail(first, "amy", 5)
    first.close()
    with pytest.raises(RateLimited):
        make().users.authenticate("amy", "password1")


@pytest.mark.redis
def test_the_lock_is_shared_through_redis(make: Make, redis_url: str, redis_prefix: str) -> None:
    shared = {"REDIS_URL": redis_url, "REELMATCH_CACHE_PREFIX": redis_prefix}
    one, two = make(**shared), make(**shared)
    one.users.create_user(username="amy", password="password1")
    _fail(one, "amy", 5)
    with pytest.raises(RateLimited):
        two.users.authenticate("amy", "password1")
    assert _stored_failures(one) == 0  # kept in Redis, not in the database
    two.users.unlock("amy")
    assert one.users.authenticate("amy", "password1") is not None


def test_a_client_is_locked_across_usernames(make: Make) -> None:
    services = make()
    for index in range(20):
        _fail(services, f"guess{index}", 1, client="203.0.113.9")
    with pytest.raises(RateLimited):
        services.users.authenticate("another", "password1", client="203.0.113.9")
    assert services.users.authenticate("another", "password1", client="198.51.100.1") is None


def test_sign_ups_are_limited_per_client(make: Make) -> None:
    services = make(REELMATCH_SIGNUPS_PER_HOUR="2")
    for index in range(2):
        services.users.register(username=f"new{index}", password="password1", client="10.0.0.1")
    with pytest.raises(RateLimited):
        services.users.register(username="third", password="password1", client="10.0.0.1")
    services.users.register(username="elsewhere", password="password1", client="10.0.0.2")


@pytest.mark.slow
def test_an_unknown_username_takes_as_long_as_a_wrong_password(db_url: str) -> None:
    """The timing the issue measures: medians of 20 tries each within 20% (bcrypt cost 10,
    no throttle so nothing locks)."""
    from reelmatch.store.database import Database

    database = Database.from_url(db_url)
    users = UserService(database.unit_of_work, bcrypt_rounds=10)
    users.create_user(username="amy", password="password1")
    users.authenticate("warm-up", "x")  # the decoy hash is made once

    def seconds(username: str) -> float:
        started = time.perf_counter()
        assert users.authenticate(username, "wrong-password") is None
        return time.perf_counter() - started

    # Interleaved, so a busy machine slows both kinds of attempt alike.
    pairs = [(seconds("amy"), seconds("nobody-here")) for _ in range(20)]
    known = statistics.median(pair[0] for pair in pairs)
    unknown = statistics.median(pair[1] for pair in pairs)
    database.dispose()
    assert abs(known - unknown) / known < 0.2, (known, unknown)
