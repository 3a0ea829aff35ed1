"""Movie cards and the responsive poster grid every list page uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Literal

import streamlit as st

from reelmatch.domain import ImageConfig, Movie, User
from reelmatch.services.discovery import MovieState
from reelmatch.services.library import LibraryService
from reelmatch.ui.feedback import on_click
from reelmatch.ui.posters import poster_src
from reelmatch.ui.routing import movie_link
from reelmatch.ui.text import plain

COLUMNS = 5


def stars_text(rating: float | None) -> str:
    return f"{rating:g}★" if rating is not None else ""


def star_label(stars: float) -> str:
    """Half stars as people write them: ½★, 1★, 3½★, 5★."""
    whole = int(stars)
    return f"{whole or ''}{'½' if stars - whole else ''}★"


def movie_grid(
    movies: Sequence[Movie],
    *,
    library: LibraryService,
    user: User,
    states: Mapping[int, MovieState],
    images: ImageConfig,
    key: str,
    columns: int = COLUMNS,
    in_place: bool = False,
) -> None:
    """Posters in rows of `columns`, each with title, year, TMDB score, the user's stars and a
    one-click watchlist button. `in_place`: the grid is on the movie page (`movie_link`).
    On a phone two cards share a row (`ui/styles.py`)."""
    for start in range(0, len(movies), columns):
        row = st.columns(columns, gap="small")
        for column, movie in zip(row, movies[start : start + columns], strict=False):
            with column:
                movie_card(
                    movie,
                    library=library,
                    user=user,
                    state=states.get(movie.id, MovieState()),
                    images=images,
                    key=f"{key}-{movie.id}",
                    in_place=in_place,
                )


def movie_card(
    movie: Movie,
    *,
    library: LibraryService,
    user: User,
    state: MovieState,
    images: ImageConfig,
    key: str,
    in_place: bool = False,
) -> None:
    with st.container(border=True, key=f"card-{key}"):
        st.image(poster_src(images, movie), width="stretch")
        movie_link(movie.id, plain(movie.label), key=key, in_place=in_place, help=movie.label)
        st.caption(card_caption(movie, state))
        watchlist_button(
            movie.id, library=library, user=user, on_watchlist=state.on_watchlist, key=key
        )


def card_caption(movie: Movie, state: MovieState) -> str:
    parts = []
    if movie.vote_average:
        parts.append(f"TMDB {movie.vote_average:.1f}")
    if state.rating is not None:
        parts.append(f"you: {stars_text(state.rating)}")
    return " · ".join(parts) or " "


def watchlist_button(
    movie_id: int,
    *,
    library: LibraryService,
    user: User,
    on_watchlist: bool,
    key: str,
    labels: tuple[str, str] = ("Watchlist", "On watchlist"),
    width: Literal["stretch", "content"] = "stretch",
) -> None:
    """One click adds the movie to the watchlist, or takes it off again. `labels` are the
    (off, on) captions."""
    change = library.remove_from_watchlist if on_watchlist else library.add_to_watchlist
    st.button(
        labels[on_watchlist],
        key=f"wl-{key}",
        icon=":material/bookmark_added:" if on_watchlist else ":material/bookmark_add:",
        on_click=on_click(
            partial(change, user, movie_id),
            done="Removed from your watchlist." if on_watchlist else "Added to your watchlist.",
        ),
        help="Remove from your watchlist" if on_watchlist else None,
        width=width,
    )
