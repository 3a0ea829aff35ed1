"""Installation-wide secrets, made once: the first writer wins and everyone reads its value."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelmatch.store.account_rows import AppSecretRow
from reelmatch.store.repositories.upsert import upsert


class AppSecretRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_or_create(self, name: str, *, candidate: str, now: datetime) -> str:
        """The stored value of `name`; `candidate` is stored first if there is none (an
        insert that does nothing on a conflict, so processes starting together agree)."""
        upsert(
            self._session,
            AppSecretRow.__table__,
            [{"name": name, "value": candidate, "created_at": now}],
            keys=["name"],
            update=[],
        )
        stored = self._session.scalar(select(AppSecretRow.value).where(AppSecretRow.name == name))
        assert stored is not None
        return stored
