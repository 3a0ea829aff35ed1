"""Streamlit's config options, read without its lock (decision 96).

`streamlit.config.get_option` takes one process-wide lock for every read, and Streamlit reads
options several times per element it draws (`save_for_app_testing` for every widget,
`_enqueue` for every element). Each session's run is its own thread. When the thread holding
the lock is switched out by the interpreter, every other session's run queues behind it: a
lock convoy. At 20 concurrent sessions it cost about 12 ms of CPU per rerun and a fifth of the
reruns per second (`bench/load.py`).

A read needs no lock once the server runs. The options dict is parsed when the server starts,
before any session (`bootstrap`), and `set_option` swaps one option's value in a single
assignment. Streamlit's own review of the lock proposed this fast path (streamlit#2860).

`install()` points `streamlit.config.get_option` at `get_option` below. Anything this cannot
answer, such as options not parsed yet or an unknown key, goes to Streamlit's locked read,
which parses the options or raises Streamlit's own error. If a Streamlit upgrade drops the
module attribute this reads, `install()` leaves Streamlit alone, and the test of this module
fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamlit import config


def _streamlits_own_read() -> Callable[[str], Any] | None:
    """Streamlit's `get_option`, found under a copy of ours too (AppTest imports the app's
    modules again). None while something else stands in for it: AppTest patches in its own
    read for the length of a run, and that one must stay."""
    read = config.get_option
    read = getattr(read, "locked", read)
    own = getattr(read, "__module__", None) == config.__name__ and read.__name__ == "get_option"
    return read if own else None


_locked_get_option = _streamlits_own_read()


def get_option(key: str) -> Any:
    """`streamlit.config.get_option`, without its lock when the options are parsed."""
    options = getattr(config, "_config_options", None)
    option = options.get(key) if options else None
    if option is None:
        assert _locked_get_option is not None  # installed only with Streamlit's own read
        return _locked_get_option(key)
    return option.value


get_option.locked = _locked_get_option  # type: ignore[attr-defined]


def installed() -> bool:
    return getattr(config.get_option, "locked", None) is _locked_get_option is not None


def install() -> bool:
    """Route Streamlit's option reads through `get_option` (once per process; repeat calls do
    nothing). False, changing nothing, when Streamlit's own read is not the one in place
    (AppTest's for the length of its run) or this Streamlit has no parsed-options dict."""
    if installed():
        return True
    current = config.get_option
    if current is not _locked_get_option or not hasattr(config, "_config_options"):
        return False
    config.get_option = get_option
    return True
