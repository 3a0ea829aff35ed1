"""The import use case end to end on both databases: preview, apply, idempotence, isolation,
all-or-nothing, events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select, text

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.errors import NotAllowed, ReelmatchError
from reelmatch.services.imports import ImportPreview, ImportService
from reelmatch.store.models import MovieRow, UserMovieRow, WatchRow
from reelmatch.store.repositories.events import QueuedEvent, event_values
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork
from tests.imports.support import fixture, letterboxd_export_zip
from tests.support.events import RecordingEvents

GODFATHER, AMELIE, CROUCHING_TIGER, AMOUR, WALL_E, SPIRITED_AWAY = 238, 194, 146, 86837, 10681, 129
ALIEN, BLADE_RUNNER, MAD_MAX = 348, 78, 76341


def count(services: Services, model: type, *, user_id: int | None = None) -> int:
    query = select(func.count()).select_from(model)
    if user_id is not None:
        query = query.where(model.user_id == user_id)  # type: ignore[attr-defined]
    with UnitOfWork(services.database, read_only=True) as uow:
        return uow.session.scalar(query) or 0


def snapshot(
    services: Services, user: User
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every library and diary row of the user, timestamps included."""
    with UnitOfWork(services.database, read_only=True) as uow:
        library = uow.session.execute(
            select(UserMovieRow.movie_id, UserMovieRow.rating, UserMovieRow.on_watchlist,
                   UserMovieRow.rated_at, UserMovieRow.updated_at)
            .where(UserMovieRow.user_id == user.id).order_by(UserMovieRow.movie_id)
        ).all()  # fmt: skip
        diary = uow.session.execute(
            select(WatchRow.movie_id, WatchRow.watched_on, WatchRow.rewatch, WatchRow.note)
            .where(WatchRow.user_id == user.id).order_by(WatchRow.movie_id, WatchRow.watched_on)
        ).all()  # fmt: skip
    return [tuple(r) for r in library], [tuple(r) for r in diary]


def preview_zip(imports: ImportService, user: User) -> ImportPreview:
    return imports.preview(user, "letterboxd", [letterboxd_export_zip()])


def test_letterboxd_export_preview_then_apply(
    services: Services, imports: ImportService, alice: User, events: RecordingEvents
) -> None:
    progress: list[float] = []
    preview = imports.preview(
        alice, "letterboxd", [letterboxd_export_zip()], progress=lambda f, _t: progress.append(f)
    )
    assert progress == sorted(progress)
    assert progress[-1] == 1.0
    assert count(services, UserMovieRow) == 0  # a preview writes nothing
    assert count(services, MovieRow) == 0
    assert sorted((u.row.source, u.row.title) for u in preview.unmatched) == [
        ("ratings.csv", "Heat"),
        ("watched.csv", "Heat"),
        ("watchlist.csv", "Parasite"),
    ]
    amour = next(m for m in preview.matched if m.row.title == "Amour")
    assert (amour.movie.id, amour.movie.year, amour.method) == (AMOUR, 2012, "title and year")
    assert preview.changes.new_ratings == 6
    assert preview.changes.watchlist == 2
    assert preview.changes.diary == 8

    result = imports.apply(alice, preview)
    assert (result.rated, result.watchlisted, result.diary_entries) == (6, 2, 8)
    assert (result.unmatched, result.skipped, result.unchanged) == (3, 0, 0)

    library = services.library.library(alice)
    ratings = {e.movie.id: e.rating for e in library.ratings}
    assert ratings == {GODFATHER: 5.0, AMELIE: 4.5, CROUCHING_TIGER: 4.0, AMOUR: 3.5,
                       WALL_E: 4.0, SPIRITED_AWAY: 5.0}  # fmt: skip
    assert {e.movie.id for e in library.watchlist} == {BLADE_RUNNER, MAD_MAX}
    diary = sorted((d.movie.id, d.watched_on, d.rewatch) for d in library.diary)
    assert diary == sorted([
        (GODFATHER, date(2023, 11, 1), False),
        (GODFATHER, date(2024, 3, 9), True),
        (SPIRITED_AWAY, date(2024, 1, 13), False),
        (WALL_E, date(2023, 12, 1), False),
        (AMELIE, date(2023, 11, 3), False),  # watched.csv, no diary entry: a "seen" entry
        (CROUCHING_TIGER, date(2023, 11, 4), False),
        (AMOUR, date(2023, 11, 6), False),
        (ALIEN, date(2024, 2, 20), False),
    ])  # fmt: skip
    review = next(d for d in library.diary if d.rewatch)
    assert review.note == "Even better on 35mm.\nThe wedding scene, again."
    assert next(e for e in library.ratings if e.movie.id == GODFATHER).rated_at is not None
    assert count(services, MovieRow) == 9  # the matched movies' metadata, stored locally

    last = events.events[-1]
    kind, user_id, properties = last.kind, last.user_id, last.properties
    assert (kind, user_id) == ("import_done", alice.id)
    assert properties["source"] == "letterboxd"
    assert event_values(QueuedEvent(utcnow(), kind, user_id, None, properties))["subject"] == (
        "letterboxd"
    )
    assert properties["rated"] == 6


def test_reimporting_the_same_file_changes_nothing(
    services: Services, imports: ImportService, alice: User
) -> None:
    imports.apply(alice, preview_zip(imports, alice))
    before = snapshot(services, alice)

    again = preview_zip(imports, alice)
    assert not again.has_changes
    assert again.changes.unchanged == 9  # movies
    result = imports.apply(alice, again)
    assert (result.rated, result.watchlisted, result.diary_entries) == (0, 0, 0)
    assert result.unchanged == 9
    assert snapshot(services, alice) == before  # not even updated_at moved


def test_reimport_after_a_change_restores_only_what_differs(
    services: Services, imports: ImportService, alice: User
) -> None:
    imports.apply(alice, preview_zip(imports, alice))
    services.library.rate_movie(alice, GODFATHER, 1)
    services.library.remove_from_watchlist(alice, BLADE_RUNNER)
    preview = preview_zip(imports, alice)
    assert (preview.changes.changed_ratings, preview.changes.watchlist) == (1, 1)
    assert preview.changes.new_ratings == 0
    imports.apply(alice, preview)
    ratings = {e.movie.id: e.rating for e in services.library.library(alice).ratings}
    assert ratings[GODFATHER] == 5.0


def test_imports_touch_only_the_acting_user(
    services: Services, imports: ImportService, alice: User
) -> None:
    bob = services.users.create_user(username="bob", password="password1")
    services.library.rate_movie(bob, GODFATHER, 1)
    services.library.log_watch(bob, GODFATHER, watched_on=date(2024, 3, 9), note="bob's")
    bob_before = snapshot(services, bob)

    preview = preview_zip(imports, alice)
    with pytest.raises(NotAllowed):
        imports.apply(bob, preview)  # a preview is bound to its user
    imports.apply(alice, preview)

    assert snapshot(services, bob) == bob_before
    assert count(services, UserMovieRow, user_id=bob.id) == 1
    assert count(services, WatchRow, user_id=alice.id) == 8
    assert "bob's" not in str(services.library.export_user_data(alice))


def test_a_failure_midway_leaves_nothing(
    services: Services, imports: ImportService, alice: User
) -> None:
    preview = preview_zip(imports, alice)

    def explode(fraction: float, message: str) -> None:
        if message.startswith("Logged"):  # ratings and watchlist are written by now
            raise RuntimeError("the page went away")

    with pytest.raises(RuntimeError):
        imports.apply(alice, preview, progress=explode)
    assert count(services, UserMovieRow) == 0
    assert count(services, WatchRow) == 0
    assert count(services, MovieRow) == 0


def test_a_row_violating_a_constraint_rolls_everything_back(
    services: Services, imports: ImportService, alice: User
) -> None:
    preview = preview_zip(imports, alice)
    last = preview.matched[-1]
    bad = replace(last, row=replace(last.row, rating=3.3, rating_is_current=True))
    tampered = replace(preview, matched=(*preview.matched[:-1], bad))
    with pytest.raises(ReelmatchError, match="nothing was imported"):
        imports.apply(alice, tampered)
    assert count(services, UserMovieRow) == 0
    assert count(services, MovieRow) == 0


@pytest.fixture
def failing_diary_inserts(services: Services) -> Iterator[None]:
    """A trigger that makes the database refuse every diary insert."""
    with services.database.engine.begin() as connection:
        if services.database.dialect == "sqlite":
            connection.execute(text(
                "CREATE TRIGGER fail_watch BEFORE INSERT ON watches "
                "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
            ))  # fmt: skip
        else:
            connection.execute(text(
                "CREATE FUNCTION fail_watch() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$"
            ))  # fmt: skip
            connection.execute(text(
                "CREATE TRIGGER fail_watch BEFORE INSERT ON watches "
                "FOR EACH ROW EXECUTE FUNCTION fail_watch()"
            ))  # fmt: skip
    yield
    with services.database.engine.begin() as connection:
        if services.database.dialect == "sqlite":
            connection.execute(text("DROP TRIGGER fail_watch"))
        else:
            connection.execute(text("DROP TRIGGER fail_watch ON watches"))
            connection.execute(text("DROP FUNCTION fail_watch()"))


@pytest.mark.usefixtures("failing_diary_inserts")
def test_the_database_failing_midway_leaves_nothing(
    services: Services, imports: ImportService, alice: User, events: RecordingEvents
) -> None:
    preview = preview_zip(imports, alice)
    with pytest.raises(ReelmatchError, match="nothing was imported"):
        imports.apply(alice, preview)
    assert count(services, UserMovieRow) == 0
    assert count(services, MovieRow) == 0
    assert events.events == []


def test_services_wire_the_import_and_export_services(services: Services, alice: User) -> None:
    preview = services.imports.preview(alice, "letterboxd", [fixture("letterboxd", "ratings.csv")])
    assert services.imports.apply(alice, preview).rated == 6
    exported = services.exports.export(alice, "letterboxd")
    assert exported.content.count(b"\r\n") == 7
