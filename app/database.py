"""Engine behaviour per dialect: SQLite in WAL mode with explicit ``BEGIN`` statements.

pysqlite normally issues ``BEGIN`` lazily and only before writes, which makes ``BEGIN
IMMEDIATE`` impossible. We switch its transaction handling off and begin ourselves; a session
that asks for ``execution_options={"sqlite_immediate": True}`` gets ``BEGIN IMMEDIATE``, which
takes SQLite's write lock up front (the claim transaction relies on it).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

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
