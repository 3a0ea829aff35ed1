"""Keep Streamlit on `st.navigation` routing.

Streamlit still has the old (v1) multipage mode: when a `pages/` folder sits next to the
entrypoint, the first run after the server starts is routed the v1 way, which runs a page
script directly (a deep link such as /movie?id=238 would skip app.py's login gate) until some
run calls `st.navigation`. Our pages live in `pages/` (docs/architecture.md), so the shell
and every page call `ensure_navigation_routing()` first: in a v1-routed run it switches the
process to `st.navigation` routing and reruns, and the rerun goes through app.py.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

#: The page scripts, by absolute path so routing never depends on the working directory.
PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
DISCOVER = str(PAGES_DIR / "discover.py")
MOVIE = str(PAGES_DIR / "movie.py")
SETTINGS = str(PAGES_DIR / "settings.py")


def ensure_navigation_routing(*, entrypoint: bool = False) -> None:
    """Switch to `st.navigation` routing. From a page run directly by v1 routing, rerun so
    app.py runs; from app.py itself (v1 runs it as its main page), carrying on is enough: its
    own `st.navigation` call takes over in this same run."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not entrypoint:
            st.rerun()
