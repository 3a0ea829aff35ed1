"""The Library's Diary tab: entries by month, each editable (date, rewatch, note) and
deletable, with an Undo for 10 seconds after a delete."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import streamlit as st

from reelmatch.domain import DiaryEntry, User
from reelmatch.services.library import LibraryService
from reelmatch.ui.feedback import act, on_click
from reelmatch.ui.routing import movie_link
from reelmatch.ui.star_rating import star_rating
from reelmatch.ui.text import plain

UNDO_SECONDS = 10
_DELETED = "diary-deleted"  # session key: (entry, time.monotonic() of the delete)
EMPTY = "Your diary is empty. Log a watch from a movie's page or your watchlist."


def diary(
    entries: Sequence[DiaryEntry],
    *,
    library: LibraryService,
    user: User,
    ratings: Mapping[int, float] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """The diary by month, newest first; each row rates its movie in one click (`ratings`:
    the user's stars per movie id)."""
    undo_offer(library=library, user=user, clock=clock)
    if not entries:
        st.info(EMPTY, icon=":material/calendar_month:")
        return
    months: dict[str, list[DiaryEntry]] = defaultdict(list)
    for entry in entries:
        months[entry.watched_on.strftime("%B %Y")].append(entry)
    for month, watched in months.items():
        st.subheader(f"{month} · {len(watched)}")
        for entry in watched:
            diary_row(
                entry,
                library=library,
                user=user,
                rating=(ratings or {}).get(entry.movie.id),
                clock=clock,
            )


def diary_row(
    entry: DiaryEntry,
    *,
    library: LibraryService,
    user: User,
    rating: float | None,
    clock: Callable[[], float],
) -> None:
    title, edit, remove = st.columns([6, 2, 2], vertical_alignment="center")
    flag = " · rewatch" if entry.rewatch else ""
    with title:
        movie_link(
            entry.movie.id,
            f"{entry.watched_on:%d} · {plain(entry.movie.label)}{flag}",
            key=f"diary-{entry.id}",
        )
        star_rating(
            entry.movie.id,
            rating,
            library=library,
            user=user,
            title=entry.movie.title,
            key=f"diary-stars-{entry.id}",
            label=f"Rate {entry.movie.title}",
            label_visibility="collapsed",
        )
    with (
        edit.popover("Edit", icon=":material/edit:"),
        st.form(f"diary-edit-{entry.id}", border=False),
    ):
        day = st.date_input("Watched on", value=entry.watched_on, key=f"dd-{entry.id}")
        rewatch = st.checkbox("Rewatch", value=entry.rewatch, key=f"dr-{entry.id}")
        note = st.text_area("Note", value=entry.note or "", key=f"dn-{entry.id}")
        if st.form_submit_button("Save"):
            act(
                partial(
                    library.edit_watch,
                    user,
                    entry.id,
                    watched_on=day,
                    rewatch=rewatch,
                    note=note,
                ),
                done=f"Saved your diary entry for {entry.movie.title}.",
            )
            st.rerun()
    remove.button(
        "Delete",
        key=f"diary-delete-{entry.id}",
        icon=":material/delete:",
        on_click=on_click(partial(_delete, entry, library=library, user=user, clock=clock)),
    )
    if entry.note:
        st.caption(plain(entry.note))


def _delete(
    entry: DiaryEntry, *, library: LibraryService, user: User, clock: Callable[[], float]
) -> None:
    library.delete_watch(user, entry.id)
    st.session_state[_DELETED] = (entry, clock())


def undo_offer(*, library: LibraryService, user: User, clock: Callable[[], float]) -> None:
    """'Deleted … Undo' for UNDO_SECONDS after a delete; then the offer is gone."""
    deleted = st.session_state.get(_DELETED)
    if deleted is None:
        return
    entry, at = deleted
    if clock() - at > UNDO_SECONDS:
        del st.session_state[_DELETED]
        return
    text, button = st.columns([8, 2], vertical_alignment="center")
    text.warning(f"Deleted {plain(entry.movie.title)} ({entry.watched_on:%d %b %Y}).")
    button.button(
        "Undo",
        key="diary-undo",
        icon=":material/undo:",
        on_click=on_click(
            partial(_undo, entry, library=library, user=user),
            done=f"Restored {entry.movie.title} to your diary.",
        ),
    )


def _undo(entry: DiaryEntry, *, library: LibraryService, user: User) -> None:
    library.restore_watch(user, entry)
    st.session_state.pop(_DELETED, None)
