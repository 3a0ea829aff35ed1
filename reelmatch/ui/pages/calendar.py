"""Release calendar: future release dates of the watchlist, and an `.ics` download."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.calendar_view import NOTHING, OFFLINE, ics_download, release_list
from reelmatch.ui.errors import guarded


def render(services: Services, user: User) -> None:
    st.title("Calendar")
    st.caption("Theatrical and digital release dates of your watchlist, in your region.")
    calendar = services.release_calendar
    if calendar.offline:
        st.info(OFFLINE, icon=":material/event_busy:")
        return
    with guarded():
        entries = calendar.upcoming(user)
        if not entries:
            st.info(NOTHING, icon=":material/event_busy:")
            return
        ics_download(entries)
        release_list(entries)
