"""My stats: the acting user's own numbers, a Year in Review and a nudge to rate."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.errors import guarded
from reelmatch.ui.stats_view import (
    NOTHING_YET,
    has_history,
    overview,
    rate_recent_nudge,
    review_years,
    taste,
    year_in_review,
)
from reelmatch.ui.zones import user_timezone


def render(services: Services, user: User) -> None:
    stats_service = services.stats
    st.title("My stats")
    with guarded():
        timezone = user_timezone(services.users, user)
        recent = stats_service.rate_recent(user, timezone=timezone)
        rate_recent_nudge(recent, library=services.library, user=user)
        stats = stats_service.my_stats(user)
        if not has_history(stats):
            st.info(NOTHING_YET, icon=":material/bar_chart:")
            return
        overview(stats)
        taste(stats)
        st.header("Year in Review")
        years = review_years(stats, timezone=timezone)
        year = st.columns([1, 3])[0].selectbox("Year", years, key="review-year")
        year_in_review(stats_service.year_in_review(user, year, timezone=timezone))
