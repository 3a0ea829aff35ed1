"""Streamlit's config options, read without its lock (decision 96).

`streamlit.config.get_option` takes one process-wide lock for every read, and Streamlit reads
options several times per element it draws (`save_for_app_testing` for every widget,
`_enqueue` for every element). Each session's run is its own thread. When the thread holding
the lock is switched out by the interpreter, every other session's run queues behind it: a
lock convoy. At 20 concurrent sessions it cost about 12 ms of CPU per rerun and a fifth of the
reruns per second (`bench/load.py`).

A read needs no lock if it reads a complete options dict. Streamlit builds a new dict whenever
it parses the config files: once when the server starts, and again if a watched
`config.toml` changes on a live server. It fills that new dict under the lock and then sends
its "config parsed" signal. `install()` keeps the last dict that signal announced
(`_published`) and reads that one, never the dict being filled, so a read never sees a
half-applied config. `set_option` changes one option of the current dict with a single
assignment. Streamlit's own review of the lock proposed such a fast path (streamlit#2860).

`install()` points `streamlit.config.get_option` at `get_option` below. Anything this cannot
answer, such as options not parsed yet or an unknown key, goes to Streamlit's locked read,
which parses the options or raises Streamlit's own error. `install()` leaves Streamlit alone
when its own read is not the one in place (AppTest patches in its own for each run), or when
a Streamlit upgrade drops what this reads; the tests of this module then fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamlit import config


def _streamlits_own_read() -> Callable[[str], Any] | None:
    """Streamlit's `get_option`, also behind a copy of ours (a module reloaded by Streamlit's
    source watcher). None while something else stands in for it: AppTest patches in a read
    of its own for the length of a run, and that one must stay."""
    read = config.get_option
    read = getattr(read, "locked", read)
    return read if getattr(read, "__globals__", None) is vars(config) else None


_locked_get_option = _streamlits_own_read()
#: The options dict of the last complete parse (announced by Streamlit's signal).
_published: dict[str, Any] | None = None


def get_option(key: str) -> Any:
    """`streamlit.config.get_option`, without its lock when the options are parsed."""
    options = _published
    option = options.get(key) if options else None
    if option is None:
        assert _locked_get_option is not None  # installed only with Streamlit's own read
        return _locked_get_option(key)
    return option.value


get_option.locked = _locked_get_option  # type: ignore[attr-defined]


def _publish() -> None:
    global _published
    _published = config._config_options


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
    config.get_config_options()  # parsed now if it was not yet
    config.on_config_parsed(_publish, lock=True)  # the dict parsed so far, under the lock
    config.on_config_parsed(_publish, force_connect=True, lock=True)  # and each new one
    config.get_option = get_option
    return True
