"""Users and their preferences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from reelmatch.store.models import PreferenceRow, UserRow
from reelmatch.store.repositories.rollups import mark_user_days
from reelmatch.store.repositories.upsert import upsert
from reelmatch.store.types import utcnow


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        username: str,
        display_name: str,
        email: str | None,
        password_hash: str,
        role: str,
        sandbox_expires_at: datetime | None = None,
    ) -> UserRow:
        row = UserRow(
            username=username,
            display_name=display_name,
            email=email,
            password_hash=password_hash,
            role=role,
            created_at=utcnow(),
            sandbox_expires_at=sandbox_expires_at,
        )
        self._session.add(row)
        self._session.flush()
        return row

    def by_username(self, username: str) -> UserRow | None:
        return self._session.scalars(
            select(UserRow).where(UserRow.username == username.lower())
        ).one_or_none()

    def by_id(self, user_id: int) -> UserRow | None:
        return self._session.get(UserRow, user_id)

    def all(self) -> Sequence[UserRow]:
        return self._session.scalars(select(UserRow).order_by(UserRow.username)).all()

    def count_admins(self) -> int:
        return (
            self._session.scalar(
                select(func.count()).select_from(UserRow).where(UserRow.role == "admin")
            )
            or 0
        )

    def set_password_hash(self, *, user_id: int, password_hash: str) -> None:
        self._session.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )

    def set_role(self, *, user_id: int, role: str) -> None:
        self._session.execute(update(UserRow).where(UserRow.id == user_id).values(role=role))

    def set_profile(self, *, user_id: int, display_name: str, email: str | None) -> None:
        self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(display_name=display_name, email=email)
        )

    def delete(self, *, user_id: int) -> None:
        """Delete the user; the database cascades to every row that belongs to them (the
        analytics rollups rebuild the days their events were on)."""
        mark_user_days(self._session.connection(), user_id)
        self._session.execute(delete(UserRow).where(UserRow.id == user_id))


class PreferenceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, *, user_id: int) -> PreferenceRow | None:
        return self._session.get(PreferenceRow, user_id)

    def save(self, *, user_id: int, values: dict[str, object]) -> None:
        upsert(
            self._session,
            PreferenceRow.__table__,
            [{"user_id": user_id, **values}],
            keys=["user_id"],
            update=list(values),
        )

    def opted_in_user_ids(self) -> list[int]:
        return list(
            self._session.scalars(
                select(PreferenceRow.user_id).where(PreferenceRow.movie_night_opt_in.is_(True))
            )
        )
