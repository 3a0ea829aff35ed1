"""People who use the app and what they told us they like."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["user", "admin"]
ROLES: tuple[Role, ...] = ("user", "admin")


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """The acting user. Every service call that touches personal data takes one."""

    id: int
    username: str
    display_name: str
    email: str | None = None
    role: Role = "user"
    created_at: datetime
    #: A demo sandbox's expiry (None for every real account): see `services/demo.py`.
    sandbox_expires_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox_expires_at is not None


class Preferences(BaseModel):
    model_config = ConfigDict(frozen=True)
    favourite_genres: tuple[str, ...] = ()
    avoided_genres: tuple[str, ...] = ()
    region: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    hide_adult: bool = True
    streaming_services: tuple[int, ...] = ()
    movie_night_opt_in: bool = False
    timezone: str = "UTC"
