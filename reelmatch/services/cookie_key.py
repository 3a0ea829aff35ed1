"""The login cookie's signing key, the same for every process of one installation.

`REELMATCH_COOKIE_KEY` wins when set. Otherwise, when more than one process can be serving
(`REDIS_URL` is set, or `DATABASE_URL` is not a SQLite file: the settings of replicas behind a
proxy), the key is generated once and stored in the database (`app_secrets`), never per
host, so a user routed to another replica stays logged in. A single process on SQLite keeps
the key in its data directory, as before; a key already there seeds the database the first
time the installation grows to several processes, so nobody is logged out by the move.
"""

from __future__ import annotations

import secrets
import threading

from reelmatch.config import COOKIE_KEY_FILE, Settings
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

SECRET_NAME = "cookie_key"  # noqa: S105 (the row's name, not a secret)


def shared_deployment(settings: Settings) -> bool:
    """True when several processes may serve the same users (see the module docstring)."""
    return settings.redis_url is not None or not settings.effective_database_url.startswith(
        "sqlite"
    )


class CookieKey:
    """Callable: the key, resolved once per process (then cached)."""

    def __init__(self, settings: Settings, unit_of_work: UowFactory) -> None:
        self._settings = settings
        self._unit_of_work = unit_of_work
        self._key: str | None = None
        self._lock = threading.Lock()

    def __call__(self) -> str:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = self._resolve()
        return self._key

    def _resolve(self) -> str:
        settings = self._settings
        if settings.cookie_key is not None or not shared_deployment(settings):
            return settings.resolved_cookie_key()
        legacy = settings.data_dir / COOKIE_KEY_FILE
        candidate = legacy.read_text().strip() if legacy.is_file() else ""
        with self._unit_of_work() as uow:
            key = uow.app_secrets.get_or_create(
                SECRET_NAME, candidate=candidate or secrets.token_urlsafe(48), now=utcnow()
            )
            uow.commit()
        return key
