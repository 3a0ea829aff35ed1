"""The one place where errors become messages on the page. No traceback ever reaches a user."""

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

log = logging.getLogger(__name__)

GENERIC = "Something went wrong on our side. The team can find the details in the server log."


def show_error(error: BaseException) -> None:
    """Render `error` as a friendly message, styled by what kind of problem it is."""
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
