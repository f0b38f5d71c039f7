"""Engine behaviour per dialect: SQLite in WAL mode with explicit ``BEGIN`` statements.

pysqlite normally issues ``BEGIN`` lazily and only before writes, which makes ``BEGIN
IMMEDIATE`` impossible. We switch its transaction handling off and begin ourselves; a session
that asks for ``execution_options={"sqlite_immediate": True}`` gets ``BEGIN IMMEDIATE``, which
takes SQLite's write lock up front (the claim transaction relies on it).

Threads of one process also queue for that lock on a Python lock before ``BEGIN IMMEDIATE``:
SQLite's own busy handler polls with sleeps of 1, 2, 5, 10 … 100 ms, which under load turns a
1 ms wait into a 25 ms one; a Python lock wakes the next writer the moment the previous one
commits. Only processes (gunicorn workers, the job consumer) still meet at SQLite's lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, event, select
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import Pool
from sqlalchemy.sql.functions import FunctionElement

from app.exceptions import Invalid
from app.extensions import db

IMMEDIATE = {"sqlite_immediate": True}
WRITE_LOCK_TIMEOUT_S = 30.0  # as SQLite's busy_timeout below
SQLITE_CACHE_KB = 65536  # each connection's page cache
# The page cache of work that reads its rows once (``small_page_cache``,
# ``page_cache_within``): creating, analysing and publishing a release.
ONE_PASS_CACHE_KB = 4096
# The page cache the connections this context checks out get (``small_page_cache``).
_cache_kb: ContextVar[int] = ContextVar("sqlite_cache_kb", default=SQLITE_CACHE_KB)

_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def _write_lock(database: str) -> threading.Lock:
    with _write_locks_guard:
        return _write_locks.setdefault(database, threading.Lock())


class WriteQueuedConnection(sqlite3.Connection):
    """A pysqlite connection that gives back the process's write lock when its transaction
    ends (commit, rollback or close), however it ends."""

    write_lock: threading.Lock | None = None

    def take_write_lock(self, lock: threading.Lock) -> None:
        if not lock.acquire(timeout=WRITE_LOCK_TIMEOUT_S):
            raise sqlite3.OperationalError("database is locked")
        self.write_lock = lock

    def give_back_write_lock(self) -> None:
        lock, self.write_lock = self.write_lock, None
        if lock is not None:
            lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_back_write_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back_write_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_back_write_lock()


def engine_options(uri: str, options: dict[str, Any]) -> dict[str, Any]:
    """Engine options for a database URI: SQLite connections queue their writers."""
    if not uri.startswith("sqlite"):
        return dict(options)
    connect_args = {**options.get("connect_args", {}), "factory": WriteQueuedConnection}
    return {**options, "connect_args": connect_args}


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL (not WAL's usual NORMAL): every commit is fsynced to the WAL before it returns,
    # so an answer the API acknowledged with 201 survives a power cut, not only a crash of
    # the process. It costs one fsync per commit.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MB of page cache (the default is 2 MB): the item and task indexes of a corpus of a
    # million items stay in memory, which makes ingestion a third faster.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
    cursor.close()


@event.listens_for(Pool, "checkout")
def _size_page_cache(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Give a SQLite connection the page cache its user asked for (``small_page_cache``)
    and the usual one back when the next user did not."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    wanted = _cache_kb.get()
    if record.info.get("cache_kb", SQLITE_CACHE_KB) != wanted:
        # A smaller cache_size frees the pages beyond it at once.
        dbapi_connection.execute(f"PRAGMA cache_size=-{wanted}")
        record.info["cache_kb"] = wanted


@contextmanager
def page_cache_within(connection: Connection, kb: int) -> Iterator[None]:
    """Inside a transaction: ``connection``'s SQLite page cache is ``kb`` KB in this block
    (the pages beyond it are freed at once), then its usual size again, empty.  For one
    statement that reads a whole table once (an ``INSERT … SELECT``, a sort).  No effect
    on PostgreSQL."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{kb}")
    try:
        yield
    finally:
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA cache_size=-{_cache_kb.get()}")


@contextmanager
def small_page_cache(kb: int) -> Iterator[None]:
    """SQLite connections checked out in this block (this thread or task) get a page cache
    of ``kb`` KB instead of ``SQLITE_CACHE_KB``: a job that reads a table once from end
    to end (publishing a release) gains nothing from 64 MB of it, and keeps it for the
    consumer's life.  The session's connection is given back first, so the block's
    queries check one out, and the idle pooled connections are closed with the caches
    earlier jobs filled (ingestion's, analysis's).  No effect on PostgreSQL."""
    db.session.rollback()
    _close_idle_sqlite_connections()
    token = _cache_kb.set(kb)
    try:
        yield
    finally:
        db.session.rollback()
        _cache_kb.reset(token)


def _close_idle_sqlite_connections() -> None:
    """Close this process's idle pooled connections to a SQLite file (a checked-out one is
    closed when given back) and hand the memory their page caches held back to the
    system: glibc keeps freed small blocks otherwise, so the process would stay as large
    as its largest cache ever was."""
    engine = db.engine
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    engine.dispose()
    if _libc is not None:
        _libc.malloc_trim(0)


def _load_libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_libc = _load_libc()


# SQLSTATE 22003 numeric_value_out_of_range (PostgreSQL: "integer out of range").
_OUT_OF_RANGE_SQLSTATE = "22003"


@event.listens_for(Engine, "handle_error")
def _number_out_of_range(context: ExceptionContext) -> BaseException | None:
    """A number from the request too large for its column is the client's error, not a 500:
    pysqlite raises OverflowError for integers beyond 64 bits, PostgreSQL SQLSTATE 22003."""
    original = context.original_exception
    if (
        isinstance(original, OverflowError)
        or getattr(original, "sqlstate", None) == _OUT_OF_RANGE_SQLSTATE
    ):
        return Invalid(_l("A number in the request is too large."), code="out_of_range")
    return None


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    dbapi_connection = conn.connection.dbapi_connection
    if immediate and isinstance(dbapi_connection, WriteQueuedConnection):
        dbapi_connection.take_write_lock(_write_lock(str(conn.engine.url.database)))
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    except BaseException:
        if isinstance(dbapi_connection, WriteQueuedConnection):
            dbapi_connection.give_back_write_lock()
        raise


class utc_now(FunctionElement[datetime]):  # noqa: N801 - reads like the SQL function it is
    """The database server's clock in a statement, so app hosts with skewed clocks agree on
    leases. SQLite's ``'now'`` is fixed for the whole statement and is written with
    microseconds so it compares like the stored timestamps; PostgreSQL uses ``now()``."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(utc_now, "sqlite")
def _sqlite_now(_element: utc_now, _compiler: Any, **_kw: Any) -> str:
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


@compiles(utc_now)
def _default_now(_element: utc_now, _compiler: Any, **_kw: Any) -> str:
    return "now()"


# Transaction helpers shared by the write services.
def begin_write() -> None:
    """Start a write transaction, ending any read snapshot the request already holds.

    On SQLite this is ``BEGIN IMMEDIATE``: the write lock is taken first, so a transaction never
    fails half-way with SQLITE_BUSY when another writer committed after it started reading.
    PostgreSQL (READ COMMITTED) gives every statement a fresh snapshot, so the transaction
    already open simply goes on: no round trip to end it.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() would discard pending changes; call it first")
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        # Ending the read snapshot must not expire what the request already loaded (the
        # signed-in user): a rollback would reload each of them with one more SELECT.
        loaded = list(session.identity_map.values())
        session.expunge_all()
        session.rollback()
        session.add_all(loaded)
    session.connection(execution_options=IMMEDIATE)


def as_utc(value: datetime) -> datetime:
    """Attach UTC to a naive timestamp read back from SQLite."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_NOW = select(utc_now())


def database_now() -> datetime:
    """The database server's clock (UTC), so app hosts with skewed clocks agree on leases."""
    value = db.session.scalar(_NOW)
    assert isinstance(value, datetime)
    return as_utc(value)


def write_connection() -> Connection:
    """The connection of the current write transaction, for the hot paths' Core statements.

    Call after :func:`begin_write`. Core statements skip the ORM's identity map, so the
    caller must not mix them with ORM objects it later reads for the same rows.
    """
    return db.session.connection()
