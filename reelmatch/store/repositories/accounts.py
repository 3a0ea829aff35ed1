"""Failed attempts, login sessions and linked identities. Session reads and writes take the
acting user's id (or the session's own hash, which only its holder knows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from reelmatch.store.account_rows import AuthFailureRow, IdentityRow, SessionRow
from reelmatch.store.models import UserRow


class AuthFailureRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, scope: str, subject: str, at: datetime) -> None:
        self._session.execute(
            insert(AuthFailureRow).values(scope=scope, subject=subject, failed_at=at)
        )

    def since(self, *, scope: str, subject: str, since: datetime) -> list[datetime]:
        """When this subject failed since `since`, oldest first."""
        return list(
            self._session.scalars(
                select(AuthFailureRow.failed_at)
                .where(
                    AuthFailureRow.scope == scope,
                    AuthFailureRow.subject == subject,
                    AuthFailureRow.failed_at >= since,
                )
                .order_by(AuthFailureRow.failed_at)
            )
        )

    def clear(self, *, scope: str, subject: str) -> int:
        result = self._session.execute(
            delete(AuthFailureRow).where(
                AuthFailureRow.scope == scope, AuthFailureRow.subject == subject
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def prune(self, *, before: datetime) -> int:
        result = self._session.execute(
            delete(AuthFailureRow).where(AuthFailureRow.failed_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: SessionRow) -> None:
        self._session.add(row)
        self._session.flush()

    def live_user(self, *, session_id: str, now: datetime) -> tuple[UserRow, datetime] | None:
        """The user of a live session and when the session was last used (one query: a page
        run asks this instead of looking the user up)."""
        found = self._session.execute(
            select(UserRow, SessionRow.last_seen_at)
            .join(SessionRow, SessionRow.user_id == UserRow.id)
            .where(SessionRow.id == session_id, SessionRow.expires_at > now)
        ).first()
        return None if found is None else (found[0], found[1])

    def touch(self, *, session_id: str, now: datetime, expires_at: datetime) -> None:
        self._session.execute(
            update(SessionRow)
            .where(SessionRow.id == session_id)
            .values(last_seen_at=now, expires_at=expires_at)
        )

    def of_user(self, *, user_id: int, now: datetime) -> Sequence[SessionRow]:
        return self._session.scalars(
            select(SessionRow)
            .where(SessionRow.user_id == user_id, SessionRow.expires_at > now)
            .order_by(SessionRow.last_seen_at.desc())
        ).all()

    def revoke(self, *, user_id: int, session_id: str) -> int:
        result = self._session.execute(
            delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.id == session_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def revoke_all(self, *, user_id: int, keep: str | None = None) -> int:
        query = delete(SessionRow).where(SessionRow.user_id == user_id)
        if keep is not None:
            query = query.where(SessionRow.id != keep)
        return int(getattr(self._session.execute(query), "rowcount", 0) or 0)

    def prune(self, *, now: datetime) -> int:
        result = self._session.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(SessionRow)) or 0)


class IdentityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, *, issuer: str, subject: str) -> IdentityRow | None:
        return self._session.scalar(
            select(IdentityRow).where(IdentityRow.issuer == issuer, IdentityRow.subject == subject)
        )

    def of_user(self, *, user_id: int) -> Sequence[IdentityRow]:
        return self._session.scalars(
            select(IdentityRow).where(IdentityRow.user_id == user_id).order_by(IdentityRow.id)
        ).all()

    def link(
        self, *, user_id: int, issuer: str, subject: str, email: str | None, at: datetime
    ) -> None:
        self._session.add(
            IdentityRow(user_id=user_id, issuer=issuer, subject=subject, email=email, created_at=at)
        )
        self._session.flush()
