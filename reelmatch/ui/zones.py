"""The viewer's time zone: days and times on the stats pages are shown in it."""

from __future__ import annotations

from reelmatch.domain import User
from reelmatch.services.users import UserService


def user_timezone(users: UserService, user: User) -> str:
    """The time zone from the user's Preferences (UTC until they choose one)."""
    return users.preferences(user).timezone
