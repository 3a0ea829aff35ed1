"""The one place where errors become messages on the page. No traceback ever reaches a user.

Every error shown here is also recorded as an `error` event (`where`: the page or area the
shell named with `set_error_area`, `type`: the error's class name) in the event sink it
named there, so the Analytics page counts what people actually ran into.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from reelmatch.errors import (
    InvalidInput,
    NotAllowed,
    NotFound,
    RateLimited,
    ReelmatchError,
    UpstreamUnavailable,
)
from reelmatch.events import ERROR, EventSink

log = logging.getLogger(__name__)

GENERIC = "Something went wrong on our side. The team can find the details in the server log."
_AREA_KEY = "_reelmatch_error_area"


def set_error_area(where: str, *, events: EventSink, user_id: int | None = None) -> None:
    """Name the page or area (and the acting user) that errors shown from now on belong to,
    and the sink they are recorded in. Kept in session state rather than passed down, so
    that fragment reruns, which do not run the shell, still record the page they belong to."""
    st.session_state[_AREA_KEY] = (where, user_id, events)


def record_error(error: BaseException) -> None:
    """Record one `error` event for `error`: its class name, never its message (a message
    can quote what someone typed). Analytics must never break the page showing the error,
    so any failure here is logged and dropped; before any area is named, nothing is kept."""
    try:
        area = st.session_state.get(_AREA_KEY)
        if area is None:
            return
        where, user_id, events = area
        events.record(ERROR, user_id=user_id, where=where, type=type(error).__name__)
    except Exception as failure:
        log.warning("could not record an error event: %s", type(failure).__name__)


def show_error(error: BaseException) -> None:
    """Render `error` as a friendly message, styled by what kind of problem it is, and
    record it for the Analytics page."""
    record_error(error)
    if isinstance(error, InvalidInput):
        st.warning(error.message, icon=":material/edit:")
    elif isinstance(error, NotFound):
        st.info(error.message, icon=":material/search_off:")
    elif isinstance(error, NotAllowed):
        st.error(error.message, icon=":material/lock:")
    elif isinstance(error, RateLimited):
        st.warning(error.message, icon=":material/hourglass_top:")
    elif isinstance(error, UpstreamUnavailable):
        st.error(error.message, icon=":material/cloud_off:")
    elif isinstance(error, ReelmatchError):
        st.error(error.message)
    else:
        log.exception("unexpected error on a page", exc_info=error)
        st.error(GENERIC, icon=":material/error:")


@contextmanager
def guarded() -> Iterator[None]:
    """Run a block of page code; a failure becomes a message instead of a traceback.
    Streamlit's own control-flow exceptions (rerun, stop, switch page) pass through."""
    try:
        yield
    except ScriptControlException:
        raise
    except Exception as error:
        show_error(error)
