"""Password login and sign-up through the attempt throttle (issue #12).

Credentials are checked only by `UserService.authenticate`, which counts failures per username
and per client and refuses while either must wait; streamlit-authenticator's own credential
check is not used, so there is no path around the throttle.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from reelmatch.domain import User
from reelmatch.services.users import UserService


def client_id() -> str:
    """Who is asking: the first X-Forwarded-For address behind the proxy, else the remote
    address Streamlit reports (empty when neither is known, e.g. under AppTest)."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For") or ""
    except Exception:  # no request context (AppTest, a bare script run)
        forwarded = ""
    if forwarded.strip():
        return forwarded.split(",")[0].strip()
    try:
        return str(getattr(st.context, "ip_address", None) or "")
    except Exception:
        return ""


def check_password(users: UserService, username: str, password: str) -> User | None:
    """The user when the password matches; raises `RateLimited` while locked."""
    return users.authenticate(username, password, client=client_id())


def register(users: UserService, **account: Any) -> User:
    """Sign-up, limited per client."""
    return users.register(client=client_id(), **account)
