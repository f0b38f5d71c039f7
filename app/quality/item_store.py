"""Storing the per-item lines: the report job writes only the lines whose fingerprint changed
(COPY on PostgreSQL), reads on the raw driver cursor where SQLAlchemy's rows cost too much,
and records the newest answer a report saw (a newer one makes it stale)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from sqlalchemy import Table, bindparam, delete, func, select, update

from app.extensions import db
from app.models import Annotation
from app.models.quality import QualityItem
from app.quality.items import COLUMNS, ItemLines

QUALITY_ITEM = cast(Table, QualityItem.__table__)


def newest_answer_id(project_id: int) -> int:
    """Id of the project's newest answer, check items included (their results feed the
    experts' check-item records and the check items' lines)."""
    return int(
        db.session.scalar(
            select(func.max(Annotation.id)).where(Annotation.project_id == project_id)
        )
        or 0
    )


def raw_rows(stmt: Any) -> list[tuple[Any, ...]]:
    """Run a select on the raw driver cursor: at 200,000 rows and more, SQLAlchemy's row
    objects cost seconds that the report cannot afford."""
    conn = db.session.connection()
    compiled = stmt.compile(dialect=conn.dialect)
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """Insert lines on the raw connection: COPY on PostgreSQL, executemany on SQLite (the
    first report of a big project writes 200,000 of them)."""
    conn = db.session.connection()
    cursor = conn.connection.cursor()
    names = ", ".join(COLUMNS)
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f"COPY quality_item ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(COLUMNS))
            cursor.executemany(f"INSERT INTO quality_item ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def store_item_rows(project_id: int, lines: ItemLines) -> dict[str, int]:
    """Make the stored lines equal ``lines``, writing only lines whose fingerprint changed
    (inside the caller's write transaction; no commit). Returns how many lines were
    inserted, updated and deleted."""
    stored = raw_rows(
        select(QUALITY_ITEM.c.item_id, QUALITY_ITEM.c.digest).where(
            QUALITY_ITEM.c.project_id == project_id
        )
    )
    old = np.array(stored, dtype=np.int64).reshape(-1, 2)
    old = old[np.argsort(old[:, 0])]
    digests = lines.digests()
    at = np.minimum(np.searchsorted(old[:, 0], lines.item_ids), max(len(old) - 1, 0))
    known = (old[at, 0] == lines.item_ids) if len(old) else np.zeros(len(lines), dtype=bool)
    new = np.flatnonzero(~known)
    changed = np.flatnonzero(known & (old[at, 1] != digests)) if len(old) else new[:0]
    gone = old[~np.isin(old[:, 0], lines.item_ids), 0].tolist()
    if new.size:
        _insert(lines.rows(new, project_id))
    if changed.size:
        db.session.execute(
            update(QUALITY_ITEM)
            .where(
                QUALITY_ITEM.c.project_id == bindparam("p_id"),
                QUALITY_ITEM.c.item_id == bindparam("i_id"),
            )
            .values({name: bindparam(name) for name in COLUMNS[2:]}),
            [
                {"p_id": row[0], "i_id": row[1], **dict(zip(COLUMNS[2:], row[2:], strict=True))}
                for row in lines.rows(changed, project_id)
            ],
        )
    for start in range(0, len(gone), 1000):
        db.session.execute(
            delete(QUALITY_ITEM).where(
                QUALITY_ITEM.c.project_id == project_id,
                QUALITY_ITEM.c.item_id.in_(gone[start : start + 1000]),
            )
        )
    return {"inserted": int(new.size), "updated": int(changed.size), "deleted": len(gone)}
