"""Engine behaviour per dialect: SQLite in WAL mode with explicit ``BEGIN`` statements.

pysqlite normally issues ``BEGIN`` lazily and only before writes, which makes ``BEGIN
IMMEDIATE`` impossible. We switch its transaction handling off and begin ourselves; a session
that asks for ``execution_options={"sqlite_immediate": True}`` gets ``BEGIN IMMEDIATE``, which
takes SQLite's write lock up front (the claim transaction relies on it).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

IMMEDIATE = {"sqlite_immediate": True}


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
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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
