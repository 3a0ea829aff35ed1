"""The Library's Diary tab: edit an entry, delete it, and undo the delete."""

from __future__ import annotations

from datetime import date

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui import routing
from tests.support.pages import page_app
from tests.ui.conftest import texts


def test_edit_a_diary_entry(services: Services, alice: User) -> None:
    logged = services.library.log_watch(alice, 238, watched_on=date(2024, 3, 1), note="old")
    at = page_app(routing.LIBRARY, services, alice)
    at.date_input(key=f"dd-{logged.id}").set_value(date(2023, 7, 14))
    at.checkbox(key=f"dr-{logged.id}").check()
    at.text_area(key=f"dn-{logged.id}").input("better the second time")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    (entry,) = services.library.library(alice).diary
    assert (entry.watched_on, entry.rewatch, entry.note) == (
        date(2023, 7, 14),
        True,
        "better the second time",
    )
    assert "July 2023 · 1" in texts(at)


def test_a_future_date_is_refused_and_nothing_changes(services: Services, alice: User) -> None:
    logged = services.library.log_watch(alice, 238, watched_on=date(2024, 3, 1))
    at = page_app(routing.LIBRARY, services, alice)
    at.date_input(key=f"dd-{logged.id}").set_value(date(2099, 1, 1))
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    (entry,) = services.library.library(alice).diary
    assert entry.watched_on == date(2024, 3, 1)


def test_delete_then_undo_restores_the_entry(services: Services, alice: User) -> None:
    logged = services.library.log_watch(alice, 238, watched_on=date(2024, 3, 1), note="keep")
    at = page_app(routing.LIBRARY, services, alice)
    next(b for b in at.button if b.key == f"diary-delete-{logged.id}").click().run()
    assert not at.exception
    assert services.library.library(alice).diary == ()
    assert "Deleted The Godfather" in texts(at)

    next(b for b in at.button if b.label == "Undo").click().run()
    assert not at.exception
    (entry,) = services.library.library(alice).diary
    assert (entry.movie.id, entry.watched_on, entry.note) == (238, date(2024, 3, 1), "keep")
    assert not [b for b in at.button if b.label == "Undo"]


def test_a_diary_row_rates_its_movie_in_one_click(services: Services, alice: User) -> None:
    """Rate what you watched, from the Library: the row shows the stars you gave, one click
    changes them and a click on the same step clears them."""
    services.library.rate_movie(alice, 238, 4.0)
    godfather = services.library.log_watch(alice, 238, watched_on=date(2024, 3, 1))
    fight_club = services.library.log_watch(alice, 550, watched_on=date(2024, 3, 2))
    at = page_app(routing.LIBRARY, services, alice)

    def stars(entry_id: int):  # type: ignore[no-untyped-def]
        (control,) = [
            c for c in at.segmented_control if c.key.startswith(f"diary-stars-{entry_id}-")
        ]
        return control

    assert stars(godfather.id).value == 4.0
    assert stars(fight_club.id).value is None
    stars(fight_club.id).set_value(2.5).run()
    assert not at.exception
    rated = {e.movie.id: e.rating for e in services.library.library(alice).ratings}
    assert rated == {238: 4.0, 550: 2.5}
    assert stars(fight_club.id).value == 2.5
    stars(godfather.id).set_value(None).run()
    assert {e.movie.id for e in services.library.library(alice).ratings} == {550}
