"""Settings → Account: where you are logged in, and "Log out everywhere" (decision 84)."""

from __future__ import annotations

import streamlit as st

from reelmatch.domain import User
from reelmatch.services.sessions import LoginSession, SessionService
from reelmatch.ui.auth import end_session, session_cookie
from reelmatch.ui.errors import guarded
from reelmatch.ui.layout import end_page

#: How a session began, where the stored word is not plain English.
HOW = {"oidc": "single sign-on"}


def sessions_section(sessions: SessionService, user: User) -> None:
    st.subheader("Where you are logged in")
    live = sessions.sessions(user, session_cookie())
    if not live:
        st.caption("No login sessions are open.")
    else:
        st.dataframe(
            [_row(session) for session in live],
            hide_index=True,
            width="stretch",
            key="sessions",
            column_config={
                "device": st.column_config.TextColumn("Browser"),
                "how": st.column_config.TextColumn("How"),
                "last_seen": st.column_config.DatetimeColumn("Last seen", format="distance"),
                "created": st.column_config.DatetimeColumn("Logged in", format="D MMM YYYY"),
            },
        )
        st.caption(
            "A browser stays logged in until it logs out or the session goes unused for the "
            "server's session lifetime. Changing your password logs out every other browser."
        )
    if st.button("Log out everywhere", icon=":material/logout:", key="logout-everywhere"):
        with guarded():
            ended = sessions.close_all(user)
            end_session()
            st.success(f"Logged out of {ended} session{'s' * (ended != 1)}, this one included.")
            end_page()


def _row(session: LoginSession) -> dict[str, object]:
    return {
        "device": ("This browser · " if session.current else "") + _browser(session.user_agent),
        "how": HOW.get(session.method, session.method),
        "created": session.created_at,
        "last_seen": session.last_seen_at,
    }


def _browser(user_agent: str) -> str:
    """A short, readable name for a User-Agent string (the whole string is in the tooltip)."""
    agent = user_agent.strip()
    if not agent:
        return "Unknown browser"
    for name in ("Edg", "Firefox", "Chrome", "Safari"):
        if f"{name}/" in agent:
            system = next(
                (
                    s
                    for s in ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux")
                    if s in agent
                ),
                "",
            )
            browser = {"Edg": "Edge"}.get(name, name)
            return f"{browser} on {system}" if system else browser
    return agent[:60]
