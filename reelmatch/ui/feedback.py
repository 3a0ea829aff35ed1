"""Actions triggered by buttons, and the messages they leave for the next run.

An action is a service call with its arguments bound, `partial(library.rate_movie, user,
238, 4.5)`: mypy checks the call where it is written. `act()` runs one now (a form's submit
button); `on_click()` makes the widget callback that runs it (callbacks run before the page
script). The outcome is kept for the next run: `show_messages` shows it at the top of the
page that follows. Errors go through the one error display.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from reelmatch.errors import ReelmatchError
from reelmatch.ui.errors import show_error

_KEY = "_reelmatch_messages"

Action = Callable[[], object]


def act(action: Action, *, done: str | None = None) -> None:
    """Run `action` (a service call); remember the error, or `done`, for the next run."""
    try:
        action()
    except ReelmatchError as error:
        st.session_state.setdefault(_KEY, []).append(("error", error))
        return
    if done:
        st.session_state.setdefault(_KEY, []).append(("done", done))


def on_click(action: Action, *, done: str | None = None) -> Callable[[], None]:
    """A widget callback (`on_click=`, `on_change=`) that runs `action` through `act`."""

    def callback() -> None:
        act(action, done=done)

    return callback


def show_messages() -> None:
    for kind, message in st.session_state.pop(_KEY, []):
        if kind == "error":
            show_error(message)
        else:
            st.toast(message, icon=":material/check:")
