"""Streamlit's options read without its lock (ui/option_reads.py): the same answers, Streamlit's
own error for unknown keys, changes seen at once, and no wait while another thread holds
the lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from streamlit import config
from streamlit.testing.v1.util import patch_config_options

from reelmatch.ui import option_reads
from tests.support.apptest import new_app


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    """Installed for each test here, and Streamlit's own read back afterwards, so no other
    test depends on the order tests run in."""
    assert option_reads.install()
    yield
    config.get_option = option_reads._locked_get_option


def test_every_option_reads_the_same_as_streamlits_locked_read() -> None:
    keys = list(config.get_config_options())
    assert len(keys) > 50
    for key in keys:
        assert config.get_option(key) == option_reads._locked_get_option(key), key


def test_an_unknown_key_raises_streamlits_own_error() -> None:
    with pytest.raises(RuntimeError, match="not defined"):
        config.get_option("nonsense.notAnOption")


def test_a_changed_option_is_read_at_once() -> None:
    key = "global.suppressDeprecationWarnings"
    option = config.get_config_options()[key]
    before, where = config.get_option(key), option.where_defined
    try:
        config.set_option(key, not before)
        assert config.get_option(key) is (not before)
    finally:
        option.set_value(before, where)
    assert config.get_option(key) is before


def test_a_new_parse_of_the_config_files_is_read_once_it_is_complete() -> None:
    """A reparse fills a new dict under the lock, then announces it; reads follow the
    announced dict, so they never see one half filled."""
    first = config.get_config_options()
    assert option_reads._published is first
    config.get_config_options(force_reparse=True)
    assert config._config_options is not first
    assert option_reads._published is config._config_options
    for key in config._config_options:
        assert config.get_option(key) == option_reads._locked_get_option(key), key


def test_a_read_does_not_wait_for_the_lock() -> None:
    """The convoy: Streamlit's read blocks while any other thread holds the config lock."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with config._config_lock:
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    answers: list[object] = []
    reader = threading.Thread(target=lambda: answers.append(config.get_option("global.appTest")))
    try:
        reader.start()
        reader.join(2)
        assert answers, "the read waited for the config lock"
    finally:
        release.set()
        holder.join()
        reader.join()


def test_installing_twice_changes_nothing() -> None:
    assert option_reads.install()
    assert option_reads.install()
    assert config.get_option is option_reads.get_option


def test_a_read_patched_in_by_someone_else_stays(app_env: str) -> None:
    """AppTest patches its own read in for each run (it answers `global.appTest` with True,
    which makes widgets save what tests read back); the shell's install must leave it."""
    config.get_option = option_reads._locked_get_option  # as a fresh process starts
    try:
        at = new_app().run()
        assert not at.exception
        assert [t.label for t in at.text_input][:2] == ["Username", "Password"]
        with patch_config_options({"global.appTest": True}):
            assert not option_reads.install()
            assert config.get_option("global.appTest") is True
    finally:
        option_reads.install()
