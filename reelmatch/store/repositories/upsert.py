"""`INSERT … ON CONFLICT DO UPDATE` for both SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import FromClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def dialect_insert(session: Session, table: Any) -> Any:
    """The `insert()` of the session's dialect, which knows `on_conflict_do_*`."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def upsert(
    session: Session,
    table: FromClause,
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert `rows`; where a row with the same `keys` exists, overwrite the `update` columns.
    Atomic per row on both databases, so concurrent writers never raise a duplicate-key error."""
    if not rows:
        return
    insert = dialect_insert(session, table)
    statement: Insert
    if update:
        statement = insert.on_conflict_do_update(
            index_elements=list(keys),
            set_={column: insert.excluded[column] for column in update},
        )
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(keys))
    session.execute(statement, list(rows))
