"""Engines and sessions: the only place that knows how to connect to SQLite or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from reelmatch.errors import InvalidInput

if TYPE_CHECKING:
    from reelmatch.store.uow import UnitOfWork

#: Execution option naming how a SQLite transaction begins (DEFERRED for reads, IMMEDIATE for
#: writes, so concurrent writers queue on the busy timeout instead of failing on lock upgrade).
SQLITE_BEGIN = "reelmatch_sqlite_begin"
#: Execution option asking PostgreSQL for the results in binary (`sql.binary_results`).
BINARY_RESULTS = "reelmatch_binary_results"


def _dump_json(value: Any) -> str:
    return orjson.dumps(value).decode()


#: JSON columns are read by the thousand on library pages; orjson is ~10x the stdlib there.
JSON_OPTIONS: dict[str, Any] = {"json_serializer": _dump_json, "json_deserializer": orjson.loads}


def create_database_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` with the settings this app relies on:
    SQLite gets WAL, synchronous=NORMAL, foreign keys and a busy timeout; PostgreSQL gets
    pre-ping so a restarted server does not break the first request after it, UTC and no JIT."""
    try:
        parsed = make_url(url)
    except Exception:
        raise InvalidInput("DATABASE_URL is not a database URL.") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **kwargs)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, pool_pre_ping=True, **JSON_OPTIONS, **kwargs)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _utc_session(dbapi_connection: Any, _record: Any) -> None:
            # Timestamps come back in the session's zone: make it UTC, always.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET TIME ZONE 'UTC'")
                # Compiling a query costs ~0.5 s, more than the analytics queries it would
                # speed up (decision 91).
                cursor.execute("SET jit = off")
            dbapi_connection.commit()

        from psycopg.pq import Format

        @event.listens_for(engine, "before_cursor_execute")
        def _binary_results(
            _conn: Any, cursor: Any, _sql: str, _params: Any, context: Any, _many: bool
        ) -> None:
            if context is not None and context.execution_options.get(BINARY_RESULTS):
                cursor.format = Format.BINARY  # a new cursor per statement: this one only

    return engine


def _sqlite_engine(url: str, database: str | None, **kwargs: Any) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        _create_private(Path(database))
    engine = create_engine(
        url,
        connect_args={"timeout": 30, "check_same_thread": False},
        **JSON_OPTIONS,
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _create_private(path: Path) -> None:
    """Create the SQLite file (it holds password hashes) readable by its owner only, before
    SQLite would create it with the umask's mode; its -wal and -shm files follow its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077 and path.owner() == _me():
            path.chmod(0o600)  # made by an older version, world-readable: tighten it


def _me() -> str:
    import getpass

    return getpass.getuser()


class Database:
    """An engine plus the two session factories the unit of work uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # A read-only unit of work sees one snapshot on both databases, as SQLite's read
        # transaction does: the analytics read the rollups' coverage first and the rows it
        # covers after, so the job committing in between must not show them a mix (read-only
        # transactions never fail to serialize on PostgreSQL).
        reader = (
            engine.execution_options(isolation_level="REPEATABLE READ")
            if engine.dialect.name == "postgresql"
            else engine
        )
        self.reading = sessionmaker(reader, expire_on_commit=False)
        writer = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        self.writing = sessionmaker(writer, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(create_database_engine(url, **kwargs))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def connection_per_thread(self) -> bool:
        """Whether another thread gets a connection to the same data: not with an in-memory
        SQLite, whose every connection (one per thread) is a database of its own."""
        return not isinstance(self.engine.pool, SingletonThreadPool | StaticPool)

    def session(self, *, read_only: bool = False) -> Session:
        return (self.reading if read_only else self.writing)()

    def unit_of_work(self, read_only: bool = False) -> UnitOfWork:
        """A new unit of work on this database: the factory services are given (`UowFactory`)."""
        from reelmatch.store.uow import UnitOfWork

        return UnitOfWork(self, read_only=read_only)

    def dispose(self) -> None:
        self.engine.dispose()
