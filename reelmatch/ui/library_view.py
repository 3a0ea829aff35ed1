"""The Library page's tables and lists, built from the local database's `Library`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pandas as pd
import streamlit as st

from reelmatch.domain import STAR_STEPS, ImageConfig, LibraryEntry, User
from reelmatch.services.library import LibraryService
from reelmatch.ui.cards import star_label
from reelmatch.ui.feedback import on_click
from reelmatch.ui.posters import poster_thumbnail
from reelmatch.ui.routing import movie_link
from reelmatch.ui.text import plain

#: Title, stars and date first: on a 390-px phone they are what fits without scrolling.
COLUMN_ORDER = ("title", "stars", "rated", "link", "poster", "year", "genres")


def ratings_frame(entries: Sequence[LibraryEntry], images: ImageConfig) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "poster": [poster_thumbnail(images, e.movie) for e in entries],
            "title": [e.movie.title for e in entries],
            "year": [e.movie.year for e in entries],
            "stars": [e.rating for e in entries],
            "genres": [", ".join(e.movie.genres) for e in entries],
            "rated": [e.rated_at.date() if e.rated_at else None for e in entries],
            "decade": [(e.movie.year // 10) * 10 if e.movie.year else None for e in entries],
            "link": [f"/movie?id={e.movie.id}" for e in entries],
        }
    )


def ratings_table(entries: Sequence[LibraryEntry], images: ImageConfig) -> None:
    if not entries:
        st.info(
            "You have not rated anything yet. Open a movie and give it some stars.",
            icon=":material/star:",
        )
        return
    genres = sorted({g for e in entries for g in e.movie.genres})
    decades = sorted({(e.movie.year // 10) * 10 for e in entries if e.movie.year})
    left, middle, right = st.columns(3)
    wanted_genres = left.multiselect("Genre", genres, key="lib-genres")
    wanted_decade = middle.selectbox(
        "Decade",
        [None, *decades],
        key="lib-decade",
        format_func=lambda d: "Any decade" if d is None else f"{d}s",
    )
    low, high = right.select_slider(
        "Stars", STAR_STEPS, value=(0.5, 5.0), format_func=star_label, key="lib-stars"
    )
    chosen = [
        e
        for e in entries
        if (not wanted_genres or set(wanted_genres) & set(e.movie.genres))
        and (wanted_decade is None or (e.movie.year and e.movie.year // 10 * 10 == wanted_decade))
        and e.rating is not None
        and low <= e.rating <= high
    ]
    st.dataframe(
        ratings_frame(chosen, images).drop(columns=["decade"]),
        hide_index=True,
        width="stretch",
        # Fixed widths for the short columns so none is cut ("Stars" read "St", Rated was
        # cut and Open was off-screen); title, stars and date fit a phone, Genres takes the rest.
        column_order=COLUMN_ORDER,
        column_config={
            "poster": st.column_config.ImageColumn("", width="small"),
            "title": st.column_config.TextColumn("Title", width=150),
            "link": st.column_config.LinkColumn("", display_text="Open", width=64),
            "year": st.column_config.NumberColumn("Year", format="%d", width=64),
            "stars": st.column_config.NumberColumn("Stars", format="%.1f ★", width=80),
            "rated": st.column_config.DateColumn("Rated", width=110),
            "genres": st.column_config.TextColumn("Genres", width="medium"),
        },
    )
    st.caption(f"{len(chosen)} of {len(entries)} ratings shown. Click a column to sort.")


def watchlist(entries: Sequence[LibraryEntry], *, library: LibraryService, user: User) -> None:
    if not entries:
        st.info(
            "Your watchlist is empty. Use the Watchlist button on any movie.",
            icon=":material/bookmark:",
        )
        return
    for entry in entries:
        title, watched, remove = st.columns([6, 2, 2], vertical_alignment="center")
        with title:
            movie_link(entry.movie.id, plain(entry.movie.label), key=f"wl-{entry.movie.id}")
        watched.button(
            "Watched it",
            key=f"wl-watched-{entry.movie.id}",
            icon=":material/check:",
            on_click=on_click(
                partial(library.log_watch, user, entry.movie.id),
                done=f"Logged {entry.movie.title} in your diary.",
            ),
        )
        remove.button(
            "Remove",
            key=f"wl-remove-{entry.movie.id}",
            icon=":material/close:",
            on_click=on_click(
                partial(library.remove_from_watchlist, user, entry.movie.id),
                done="Removed from your watchlist.",
            ),
        )
