"""The My stats page's sections: the nudge, the overview, taste charts and Year in Review."""

from __future__ import annotations

import calendar
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from reelmatch.domain import DiaryEntry, User
from reelmatch.services.analytics.period import today_in
from reelmatch.services.library import LibraryService
from reelmatch.services.stats import PersonalStats, YearInReview
from reelmatch.ui import charts
from reelmatch.ui.routing import movie_link
from reelmatch.ui.star_rating import star_rating
from reelmatch.ui.tables import frame_table
from reelmatch.ui.text import plain

FIRST_REVIEW_YEAR = 1870
NOTHING_YET = (
    "Nothing to count yet. Rate a few movies (Discover, Search), log what you watch, or "
    "import your Letterboxd or IMDb history in Settings → Import: your stats appear here."
)
#: Directors come from TMDB's credits: the offline catalog has none, and movies rated on
#: live TMDB get theirs as their details are fetched.
NO_DIRECTORS = (
    "Directors come from TMDB's credits: they appear here for movies whose details were "
    "fetched from TMDB (the offline catalog has no credits)."
)


def has_history(stats: PersonalStats) -> bool:
    return bool(stats.ratings_count or stats.films_watched or stats.watchlist.size)


def rate_recent_nudge(
    entries: Sequence[DiaryEntry], *, library: LibraryService, user: User
) -> None:
    """One star row per movie watched lately and not rated yet; a click rates it."""
    if not entries:
        return
    with st.container(border=True):
        st.subheader("Rate what you watched recently")
        st.caption("One click rates in half stars: ½ to 5.")
        for entry in entries:
            title, stars = st.columns([2, 3], vertical_alignment="center")
            with title:
                movie_link(
                    entry.movie.id,
                    f"{plain(entry.movie.label)} · watched {entry.watched_on:%a %d %b}",
                    key=f"nudge-{entry.movie.id}",
                )
            with stars:
                star_rating(
                    entry.movie.id,
                    None,
                    library=library,
                    user=user,
                    title=entry.movie.title,
                    key="nudge-stars",
                    label=f"Rate {entry.movie.title}",
                    label_visibility="collapsed",
                )


def overview(stats: PersonalStats) -> None:
    ratings, average, watched, hours, listed, age = st.columns(6)
    ratings.metric("Ratings", f"{stats.ratings_count:,}", border=True)
    average.metric(
        "Average rating",
        "—" if stats.average_rating is None else f"{stats.average_rating:.2f}★",
        border=True,
    )
    watched.metric(
        "Films watched",
        f"{stats.films_watched:,}",
        help=f"Diary entries, {stats.rewatches} of them rewatches.",
        border=True,
    )
    hours.metric("Hours watched", f"{stats.hours_watched:,.1f}", border=True)
    listed.metric("On watchlist", f"{stats.watchlist.size:,}", border=True)
    median = stats.watchlist.median_age_days
    oldest = stats.watchlist.oldest_added_at
    age.metric(
        "Watchlist age",
        "—" if median is None else f"{median:,.0f} days",
        help="How long movies have been waiting (median)"
        + ("." if oldest is None else f"; the oldest was added on {oldest:%d %b %Y}."),
        border=True,
    )


def taste(stats: PersonalStats) -> None:
    stars, genres = st.columns(2)
    with stars:
        st.subheader("Your stars")
        if stats.ratings_count:
            st.altair_chart(
                charts.counts_by(
                    stats.star_distribution, category="stars", value="ratings", title="Ratings"
                ),
                width="stretch",
            )
        else:
            st.caption("No ratings yet.")
    with genres:
        _ranked_section(
            "Favourite genres", stats.favourite_genres, label="genre", name="my-genres",
            empty="Rate some movies to see the genres you rate most.",
        )  # fmt: skip
    decades, directors = st.columns(2)
    with decades:
        st.subheader("Decades")
        if len(stats.decades):
            st.altair_chart(
                charts.counts_by(
                    stats.decades, category="decade", value="ratings", title="Ratings"
                ),
                width="stretch",
            )
            frame_table(stats.decades, name="my-decades")
        else:
            st.caption("Rate some movies to see which decades you favour.")
    with directors:
        _ranked_section(
            "Directors", stats.directors, label="director", name="my-directors",
            empty=NO_DIRECTORS,
        )  # fmt: skip


def _ranked_section(title: str, frame: pd.DataFrame, *, label: str, name: str, empty: str) -> None:
    """Ratings per genre or director: bars, the table behind them, or why there are none."""
    st.subheader(title)
    if not len(frame):
        st.caption(empty)
        return
    st.altair_chart(
        charts.ranked_bars(frame, label=label, value="ratings", title="Ratings"), width="stretch"
    )
    frame_table(frame, name=name)


def review_years(stats: PersonalStats, *, timezone: str) -> list[int]:
    """This year (in `timezone`) back to the first year with a diary entry or rating."""
    this_year = today_in(timezone).year
    first = max(FIRST_REVIEW_YEAR, min(stats.first_year or this_year, this_year))
    return list(range(this_year, first - 1, -1))


def year_in_review(review: YearInReview) -> None:
    if not (review.films_watched or review.ratings_given):
        st.info(f"Nothing logged or rated in {review.year}.", icon=":material/event_busy:")
        return
    watched, hours, rated, average = st.columns(4)
    watched.metric(
        "Films watched", f"{review.films_watched:,}", help=f"{review.rewatches} rewatches"
    )
    hours.metric("Hours", f"{review.hours_watched:,.1f}")
    rated.metric("Ratings given", f"{review.ratings_given:,}")
    average.metric(
        "Average rating", "—" if review.average_rating is None else f"{review.average_rating:.2f}★"
    )
    if review.busiest_month is not None:
        busiest = int(review.months["watches"].max())
        st.markdown(
            f"Your busiest month was **{calendar.month_name[review.busiest_month]}** "
            f"with {busiest} film{'s' if busiest != 1 else ''}."
        )
        st.altair_chart(
            charts.counts_by(review.months, category="name", value="watches", title="Watches"),
            width="stretch",
        )
    best, genres = st.columns(2)
    with best:
        st.markdown("**Your highest rated**")
        if len(review.top_rated):
            st.dataframe(review.top_rated.drop(columns=["movie_id"]), hide_index=True)
        else:
            st.caption(f"You rated nothing in {review.year}.")
    with genres:
        st.markdown("**Genres you watched most**")
        if len(review.top_genres):
            st.dataframe(review.top_genres, hide_index=True)
        else:
            st.caption(f"No diary entries in {review.year}.")
