"""The release calendar: upcoming releases grouped by month, and the `.ics` download."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

import streamlit as st

from reelmatch.services.release_calendar import CalendarEntry, calendar_file
from reelmatch.ui.text import plain

OFFLINE = (
    "This server uses the bundled movie snapshot, which has no future release dates: "
    "the calendar needs a live TMDB connection."
)
NOTHING = (
    "No movie on your watchlist has a future theatrical or digital release date in your "
    "region. Add upcoming movies to your watchlist, or set your region in Settings."
)


def release_list(entries: Sequence[CalendarEntry]) -> None:
    for _month, group in groupby(entries, key=lambda e: (e.on.year, e.on.month)):
        rows = list(group)
        st.subheader(rows[0].on.strftime("%B %Y"))
        for entry in rows:
            st.markdown(f"**{entry.on:%a %d %b}** · {plain(entry.movie.title)} · {entry.kind}")


def ics_download(entries: Sequence[CalendarEntry]) -> None:
    export = calendar_file(entries)
    st.download_button(
        "Download .ics",
        data=export.content,
        file_name=export.filename,
        mime=export.media_type,
        icon=":material/calendar_month:",
        help="Import into Google Calendar, Apple Calendar or Outlook.",
    )
