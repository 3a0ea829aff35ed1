"""Layout pieces every page shares."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


def footer() -> None:
    st.divider()
    st.caption(f"Movie data from [TMDB](https://www.themoviedb.org). {TMDB_NOTICE}")


def end_page() -> NoReturn:
    """Stop the page here (an empty state, a refusal) with the footer still at its foot:
    nothing renders after `st.stop()`, so the shell's own footer would be skipped."""
    footer()
    st.stop()
