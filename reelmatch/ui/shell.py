"""The app shell: which pages exist for this visitor, then run the chosen one.

The login gate (dashboard issue) slots in before `st.navigation`, so the pages a user may see
exist in the very run where they log in.
"""

from __future__ import annotations

import streamlit as st

from reelmatch.ui.errors import guarded
from reelmatch.ui.layout import footer


def pages() -> dict[str, list[st.Page]]:
    return {
        "": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)],
    }


def run() -> None:
    navigation = st.navigation(pages())
    with guarded():
        navigation.run()
    footer()
