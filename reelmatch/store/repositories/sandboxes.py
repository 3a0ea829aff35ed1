"""Demo sandboxes ("Try the demo"): private accounts that expire when left idle.

`delete_owned` finds the rows a user owns from the tables' foreign keys (directly, like
`user_movies.user_id`, or through a row they own, like `list_items` through `lists`), so a
table added later is covered without being named here, and without relying on every foreign
key cascading.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from reelmatch.store.models import Base, EventRow, UserRow
from reelmatch.store.repositories.rollups import mark_user_days


class SandboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def expired_ids(self, *, now: datetime, limit: int) -> list[int]:
        """Sandboxes idle past their expiry, oldest first."""
        return list(
            self._session.scalars(
                select(UserRow.id)
                .where(UserRow.sandbox_expires_at < now)
                .order_by(UserRow.sandbox_expires_at, UserRow.id)
                .limit(limit)
            )
        )

    def lock_if_expired(self, *, user_id: int, now: datetime) -> bool:
        """Lock the user's row if it is still an expired sandbox (not used or kept since it
        was listed): a concurrent "keep" or touch then waits for this transaction."""
        found = self._session.scalar(
            select(UserRow.id)
            .where(UserRow.id == user_id, UserRow.sandbox_expires_at < now)
            .with_for_update()
        )
        return found is not None

    def extend(self, *, user_id: int, until: datetime) -> None:
        """Move a sandbox's expiry to `until` (a real account is never made a sandbox)."""
        self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.sandbox_expires_at.is_not(None))
            .values(sandbox_expires_at=until)
        )

    def keep(self, *, user_id: int, username: str, display_name: str, password_hash: str) -> bool:
        """Make the sandbox a real account under a new name and password, keeping its rows;
        False when it is no longer a sandbox (kept already, or pruned)."""
        result = self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.sandbox_expires_at.is_not(None))
            .values(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                sandbox_expires_at=None,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def delete_owned(self, *, user_id: int, keep: Collection[str] = ()) -> dict[str, int]:
        """Delete every row the user owns, in every table but `users` and the tables named in
        `keep`; rows that point to an owned row go first. The rows deleted, per table."""
        deleted: dict[str, int] = {}
        if EventRow.__tablename__ not in keep:  # the rollups rebuild the days they were on
            mark_user_days(self._session.connection(), user_id)
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == UserRow.__tablename__ or table.name in keep:
                continue
            owned = owned_by(table, user_id)
            if owned is None:
                continue
            result = self._session.execute(delete(table).where(owned))
            deleted[table.name] = int(getattr(result, "rowcount", 0) or 0)
        return deleted

    def delete_user(self, *, user_id: int) -> None:
        self._session.execute(delete(UserRow).where(UserRow.id == user_id))


def owned_by(
    table: Table, user_id: int, *, _seen: frozenset[str] = frozenset()
) -> ColumnElement[bool] | None:
    """The condition for `table`'s rows owned by the user: a foreign key to `users`, or to a
    row of a table the user owns (followed as far as it goes). None for tables no user owns."""
    users = UserRow.__table__
    conditions: list[ColumnElement[bool]] = []
    for key in table.foreign_keys:
        target = key.column.table
        if target is users:
            conditions.append(key.parent == user_id)
        elif isinstance(target, Table) and target.name not in _seen | {table.name}:
            parent = owned_by(target, user_id, _seen=_seen | {table.name})
            if parent is not None:
                conditions.append(key.parent.in_(select(key.column).where(parent)))
    return or_(*conditions) if conditions else None
