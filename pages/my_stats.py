"""My stats: the acting user's own numbers, a Year in Review and a nudge to rate."""

import streamlit as st

from reelmatch.ui import get_services, guarded
from reelmatch.ui.auth import require_user
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

user = require_user()
stats_service = get_services().stats
st.title("My stats")

with guarded():
    timezone = user_timezone(user)
    rate_recent_nudge(stats_service.rate_recent(user, timezone=timezone), user=user)
    stats = stats_service.my_stats(user)
    if has_history(stats):
        overview(stats)
        taste(stats)
        st.header("Year in Review")
        years = review_years(stats, timezone=timezone)
        year = st.columns([1, 3])[0].selectbox("Year", years, key="review-year")
        year_in_review(stats_service.year_in_review(user, year, timezone=timezone))
    else:
        st.info(NOTHING_YET, icon=":material/bar_chart:")
