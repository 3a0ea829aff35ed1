"""Actions triggered by buttons, and the messages they leave for the next run.

Button callbacks run before the page script; a message stored here is shown at the top of the
page that follows (`show_messages`). Errors go through the one error display.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from reelmatch.errors import ReelmatchError

_KEY = "_reelmatch_messages"


def act(action: Callable[..., Any], *args: Any, done: str | None = None, **kwargs: Any) -> None:
    """Run `action` (a service call) from a widget callback; remember the outcome."""
    try:
        action(*args, **kwargs)
    except ReelmatchError as error:
        st.session_state.setdefault(_KEY, []).append(("error", error))
        return
    if done:
        st.session_state.setdefault(_KEY, []).append(("done", done))


def show_messages() -> None:
    from reelmatch.ui.errors import show_error

    for kind, message in st.session_state.pop(_KEY, []):
        if kind == "error":
            show_error(message)
        else:
            st.toast(message, icon=":material/check:")
