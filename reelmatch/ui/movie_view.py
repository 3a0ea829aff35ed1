"""The pieces of the movie page."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from reelmatch.domain import ImageConfig, User
from reelmatch.services.discovery import MovieView
from reelmatch.services.library import LibraryService
from reelmatch.ui.browse import stale_banner
from reelmatch.ui.cards import movie_grid, stars_text, watchlist_button
from reelmatch.ui.feedback import act
from reelmatch.ui.posters import poster_src
from reelmatch.ui.star_rating import star_rating
from reelmatch.ui.text import plain


def movie_id_from_query(raw: str | None) -> int | None:
    """A positive TMDB id from the URL, or None for anything else (never an error)."""
    if raw is None or not raw.strip().isdigit():
        return None
    value = int(raw.strip())
    return value if 0 < value < 2**31 else None


def movie_details(view: MovieView, images: ImageConfig) -> None:
    movie = view.movie
    stale_banner(movie.stale, [movie.notice], what="details")
    backdrop = images.backdrop_url(movie.backdrop_path)
    if backdrop:
        st.image(backdrop, width="stretch")
    poster, text = st.columns([1, 3], gap="large")
    with poster:
        st.image(poster_src(images, movie, place="detail"), width="stretch")
    with text:
        st.title(plain(movie.label))
        facts = [f"{movie.runtime} min" if movie.runtime else "", ", ".join(movie.genres)]
        st.caption(" · ".join(f for f in facts if f))
        if movie.tagline:
            st.markdown(f"*{plain(movie.tagline)}*")
        st.markdown(plain(movie.overview) or "No overview yet.")
        if movie.directors:
            st.markdown(f"**Directed by** {plain(', '.join(movie.directors))}")
        if movie.cast:
            st.markdown("**Starring** " + plain(", ".join(c.name for c in movie.cast[:6])))
        scores(view)
    trailer_and_providers(view)


def scores(view: MovieView) -> None:
    tmdb, here = st.columns(2)
    if view.movie.vote_average:
        tmdb.metric(
            "TMDB",
            f"{view.movie.vote_average:.1f} / 10",
            help=f"{view.movie.vote_count or 0:,} votes on TMDB",
        )
    if view.community_count:
        here.metric(
            "On this server",
            f"{view.community_average:.1f}★",
            help=f"from {view.community_count} user{'s' * (view.community_count > 1)}",
        )


def trailer_and_providers(view: MovieView) -> None:
    movie = view.movie
    trailer = movie.trailer.url if movie.trailer else None
    if trailer:
        st.subheader("Trailer")
        st.video(trailer)
    if view.region and view.providers:
        st.subheader(f"Where to watch in {view.region}")
        for label, providers in (
            ("Stream", view.providers.flatrate),
            ("Free", view.providers.free + view.providers.ads),
            ("Rent", view.providers.rent),
            ("Buy", view.providers.buy),
        ):
            if providers:
                st.markdown(f"**{label}:** " + plain(", ".join(p.name for p in providers)))
        st.caption("Streaming availability by [JustWatch](https://www.justwatch.com).")


def your_controls(view: MovieView, *, library: LibraryService, user: User) -> None:
    movie_id = view.movie.id
    st.subheader("You")
    rate, listed = st.columns([3, 1])
    with rate:
        star_rating(
            movie_id,
            view.state.rating,
            library=library,
            user=user,
            title=view.movie.title,
            key="rate",
        )
        if view.state.rating is not None:
            st.caption(f"You rated it {stars_text(view.state.rating)}. Click it again to clear.")
        else:
            st.caption("Not rated yet: one click rates.")
    with listed:
        watchlist_button(
            movie_id,
            library=library,
            user=user,
            on_watchlist=view.state.on_watchlist,
            key="toggle",
            labels=("Add to watchlist", "On your watchlist"),
            width="content",
        )
    watched_form(view, library=library, user=user)


def watched_form(view: MovieView, *, library: LibraryService, user: User) -> None:
    label = (
        "I watched it" if not view.watched_count else f"Watched {view.watched_count}× — log again"
    )
    with (
        st.expander(label, icon=":material/visibility:"),
        st.form(f"watched-{view.movie.id}", clear_on_submit=True),
    ):
        day = st.date_input("When", value=date.today(), max_value=date.today())
        rewatch = st.checkbox("Rewatch", value=view.watched_count > 0)
        note = st.text_area("Note (optional)", max_chars=2000)
        if st.form_submit_button("Log it", icon=":material/edit_calendar:"):
            log = partial(
                library.log_watch, user, view.movie.id, watched_on=day, rewatch=rewatch, note=note
            )
            act(log, done="Logged in your diary.")
            st.rerun()


def related_rows(
    view: MovieView, *, library: LibraryService, images: ImageConfig, user: User
) -> None:
    seen = {view.movie.id}
    for title, movies in (
        ("Recommended", view.movie.recommendations),
        ("Similar", view.movie.similar),
    ):
        shown = [m for m in movies if m.id not in seen][:5]
        seen.update(m.id for m in shown)
        if shown:
            st.subheader(title)
            movie_grid(
                shown,
                library=library,
                user=user,
                states=view.similar_states,
                images=images,
                key=f"{title.lower()}-{view.movie.id}",
                in_place=True,
            )
