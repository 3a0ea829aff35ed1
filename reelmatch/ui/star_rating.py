"""The one-click half-star control: ten steps from ½ to 5 stars (decision 87).

A click on a step rates at once; a click on the step already chosen clears the rating. It
starts empty until the movie is rated. It is Streamlit's segmented control, so each step is
a real button: Tab reaches it, Space or Enter picks. The widget's key carries the stored
rating, so a rating changed elsewhere (another tab, an import) redraws the control with it.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

import streamlit as st

from reelmatch.domain import STAR_STEPS, User
from reelmatch.services.library import LibraryService
from reelmatch.ui.cards import star_label
from reelmatch.ui.feedback import act


def step_label(stars: float) -> str:
    """ "½", "1", "1½" … "5": short enough for ten steps across a phone."""
    return star_label(stars).removesuffix("★")


def star_rating(
    movie_id: int,
    rating: float | None,
    *,
    library: LibraryService,
    user: User,
    title: str,
    key: str,
    label: str = "Your rating (★)",
    label_visibility: Literal["visible", "hidden", "collapsed"] = "visible",
) -> None:
    """Draw the control for one movie; picking rates and picking again clears, each through
    the library service with the outcome shown on the next run."""
    widget = f"{key}-{movie_id}-{rating}"
    st.segmented_control(
        label,
        STAR_STEPS,
        selection_mode="single",
        default=rating,
        format_func=step_label,
        key=widget,
        help="One click rates in half stars; click your rating again to clear it.",
        on_change=partial(_changed, library, user, movie_id, title, widget),
        label_visibility=label_visibility,
    )


def _changed(library: LibraryService, user: User, movie_id: int, title: str, widget: str) -> None:
    picked = st.session_state.get(widget)
    if picked is None:
        act(partial(library.clear_rating, user, movie_id), done=f"Cleared your rating of {title}.")
    else:
        stars = float(picked)
        act(
            partial(library.rate_movie, user, movie_id, stars),
            done=f"Rated {title} {star_label(stars)}.",
        )
