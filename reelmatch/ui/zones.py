"""The viewer's time zone: days and times on the stats pages are shown in it."""

from __future__ import annotations

from reelmatch.domain import User
from reelmatch.ui.state import get_services


def user_timezone(user: User) -> str:
    """The time zone from the user's Preferences (UTC until they choose one)."""
    return get_services().users.preferences(user).timezone
