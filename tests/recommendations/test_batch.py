"""`recommend --all-users`: precompute for everyone, bounded concurrency, resumable."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reelmatch.bootstrap import Services
from reelmatch.services.recommendations import precompute_all
from reelmatch.services.recommendations.batch import Outcome
from tests.recommendations.conftest import World, seed
from tests.support.cli import run_cli
from tests.support.events import RecordingEvents

Make = Callable[..., tuple[Services, RecordingEvents]]


def extra_users(world: World, count: int) -> None:
    for n in range(count):
        user = world.services.users.create_user(username=f"viewer{n}", password="viewer-pass")
        world.services.library.rate_movie(user, [238, 603, 597][n % 3], 4.5)


def test_every_user_gets_a_cached_list_and_a_second_run_skips_them(world: World) -> None:
    extra_users(world, 5)
    users = world.services.users.list_users()

    first = precompute_all(world.recs, users, workers=3)
    second = precompute_all(world.recs, users, workers=3)

    assert (first.users, first.computed, first.skipped, first.failed) == (8, 8, 0, 0)
    assert (second.computed, second.skipped) == (0, 8)
    assert world.events.of_kind("recommendation_shown") == []  # nobody has looked yet
    served = world.recs.recommend(world["alice"], k=10)
    assert served.from_cache is True


def test_an_interrupted_batch_resumes_where_it_stopped(world: World) -> None:
    extra_users(world, 5)
    users = world.services.users.list_users()
    seen: list[Outcome] = []

    def stop_after_two(outcome: Outcome) -> None:
        seen.append(outcome)
        if len(seen) == 2:
            raise KeyboardInterrupt

    interrupted = precompute_all(world.recs, users, workers=1, progress=stop_after_two)
    resumed = precompute_all(world.recs, users, workers=2)
    again = precompute_all(world.recs, users, workers=2)

    assert interrupted.interrupted is True
    assert interrupted.computed == 2
    assert resumed.skipped >= 2
    assert resumed.computed + resumed.skipped == 8
    assert resumed.computed <= 6
    assert (again.computed, again.skipped) == (0, 8)


@pytest.mark.redis
def test_a_batch_in_another_process_fills_the_shared_cache(
    make_services: Make, redis_url: str, redis_prefix: str
) -> None:
    shared = {"REDIS_URL": redis_url, "REELMATCH_CACHE_PREFIX": redis_prefix}
    app, _ = make_services(**shared)
    users = seed(app)
    app.recommendations.retrain()
    batch, _ = make_services(**shared)

    report = precompute_all(batch.recommendations, list(users.values()), workers=2)

    assert report.computed == 3
    served = app.recommendations.recommend(users["bob"], k=10)
    assert served.from_cache is True


def test_without_redis_a_batch_in_another_process_fills_what_the_app_serves(
    make_services: Make,
) -> None:
    app, _ = make_services()
    users = seed(app)
    app.recommendations.retrain()
    batch, _ = make_services()  # its own in-process cache: only the database is shared

    report = precompute_all(batch.recommendations, list(users.values()), workers=2)

    assert report.computed == 3
    served = app.recommendations.recommend(users["bob"], k=10)
    assert served.from_cache is True
    assert precompute_all(batch.recommendations, list(users.values())).skipped == 3


@pytest.fixture
def cli_world(monkeypatch: pytest.MonkeyPatch, world: World) -> World:
    monkeypatch.setenv("DATABASE_URL", world.services.settings.effective_database_url)
    monkeypatch.setenv("REELMATCH_DATA_DIR", str(world.services.settings.data_dir))
    return world


def test_cli_recommend_for_a_user(cli_world: World) -> None:
    shown = run_cli("recommend", "alice", "-k", "3")
    assert shown.code == 0, shown.err
    assert "why" in shown.out
    assert len(shown.out.strip().splitlines()) == 4  # header + 3 movies

    data = run_cli("recommend", "alice", "-k", "3", "--json").json()
    assert data["engine"] == "local"
    assert len(data["items"]) == 3
    assert all(item["reasons"] for item in data["items"])


def test_cli_retrain_and_all_users(cli_world: World) -> None:
    trained = run_cli("recommend", "--retrain", "--json")
    assert trained.code == 0, trained.err
    assert trained.json()["users"] == 3

    batch = run_cli("recommend", "--all-users", "--workers", "2", "--json")
    assert batch.code == 0, batch.err
    assert batch.json()["computed"] == 3
    assert "recommending" in batch.err  # the progress bar goes to stderr


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("alice", "--all-users"),
        ("alice", "-k", "0"),
        ("alice", "--engine", "magic"),
        ("nobody",),
    ],
)
def test_cli_bad_input_exits_2(cli_world: World, args: tuple[str, ...]) -> None:
    outcome = run_cli("recommend", *args)
    assert outcome.code == 2
    assert outcome.out == ""
