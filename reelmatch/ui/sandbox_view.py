"""A demo sandbox's own corner (decision 89): the sidebar note that also marks the sandbox as
used, and the Settings section to keep it as a real account or reset it."""

from __future__ import annotations

import logging

import streamlit as st

from reelmatch.domain import User
from reelmatch.errors import ReelmatchError
from reelmatch.services.demo import SANDBOX_IDLE, DemoAccount
from reelmatch.ui.account_form import new_account_form
from reelmatch.ui.auth import renew_login
from reelmatch.ui.errors import guarded
from reelmatch.ui.routing import SETTINGS, link
from reelmatch.ui.throttled_login import client_id

log = logging.getLogger(__name__)

_KEPT_KEY = "_reelmatch_sandbox_kept"
IDLE_HOURS = int(SANDBOX_IDLE.total_seconds() // 3600)


def sidebar_note(demo: DemoAccount, user: User) -> None:
    """For a sandbox: say it is one and link to keeping it; each run counts as use, so the
    expiry moves forward. Nothing for real accounts."""
    if not user.is_sandbox:
        return
    try:
        demo.touch(user)
    except ReelmatchError as error:  # the page shows the database's trouble itself
        log.warning("could not mark a demo account used: %s", type(error).__name__)
    st.caption(f"Demo account — expires after {IDLE_HOURS} h idle.")
    st.page_link(link(SETTINGS), label="Keep it", icon=":material/bookmark_added:")


def sandbox_section(demo: DemoAccount, user: User) -> None:
    """Settings → Account for a sandbox: keep it (a username and password) or reset it."""
    if st.session_state.pop(_KEPT_KEY, False):
        st.success("This is now your account: log in with your username and password.")
    if not user.is_sandbox:
        return
    st.subheader("Keep this account")
    st.write(
        "This demo account is yours alone. Unused for "
        f"{IDLE_HOURS} hours it is deleted with everything in it; choose a username and a "
        "password to keep it, with your ratings, watchlist, diary and lists."
    )
    _keep_form(demo, user)
    st.subheader("Reset the demo")
    st.write("Put your demo account back as it started: its ratings, watchlist and diary.")
    if st.button("Reset the demo", icon=":material/restart_alt:", key="sandbox-reset"):
        with guarded():
            demo.reset(user)
            st.success("Your demo account is as new.")


def _keep_form(demo: DemoAccount, user: User) -> None:
    account = new_account_form("keep-sandbox", prefix="keep", submit="Keep this account")
    if account is None:
        return
    with guarded():
        kept = demo.keep(
            user,
            username=account.username,
            password=account.password,
            display_name=account.display_name,
            client=client_id(),
        )
        renew_login(kept)
        st.session_state[_KEPT_KEY] = True
        st.rerun()
