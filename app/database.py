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

import sqlite3
import threading
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

IMMEDIATE = {"sqlite_immediate": True}
WRITE_LOCK_TIMEOUT_S = 30.0  # as SQLite's busy_timeout below

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
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MB of page cache (the default is 2 MB): the item and task indexes of a corpus of a
    # million items stay in memory, which makes ingestion a third faster.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


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
