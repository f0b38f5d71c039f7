"""The per-item table of a project's quality report: one line per answered item with its
answer count, agreement, consensus (and Dawid–Skene posterior), check-item flag and whether
a reviewer decided it.

The report job computes the lines with the rest of the report and writes only the lines
whose figures changed since the last report (the first report writes them all); pages and
the API then page and sort them in the database, so nothing is computed inside a request.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, bindparam, delete, func, select, update

from app.exceptions import Invalid
from app.extensions import db
from app.models import Adjudication, Annotation, Item, Project, Task
from app.models.quality import QualityItem
from app.projects.gold import passed_check
from app.projects.services import project_config
from app.quality.consensus import consensus_answer
from quality import wilson_interval

# (item id, answers, agreement, consensus, posterior, is check item, adjudicated)
ItemRow = tuple[int, int, float | None, str | None, float | None, bool, bool]
FIELDS = ("item_id", "answers", "agreement", "consensus", "posterior", "is_gold", "adjudicated")
COLUMNS = ("project_id", *FIELDS, "digest")
PER_PAGE = 50
MAX_PAGE = 100_000
SUMMARY_CHARS = 200
_table = cast(Table, QualityItem.__table__)
SORT_COLUMNS = {
    "item": _table.c.item_id,
    "answers": _table.c.answers,
    "agreement": _table.c.agreement,
    "posterior": _table.c.posterior,
}
SORTS = tuple(name for key in SORT_COLUMNS for name in (key, "-" + key))


IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
_NONE = np.uint64(2**63 - 1)  # stands for an empty figure in a fingerprint


@dataclass(frozen=True)
class ItemLines:
    """Per-item lines column by column (200,000 of them must not become Python objects
    unless they are written): nan for an empty figure, consensus code -1 for none."""

    item_ids: IntArray
    answers: IntArray
    agreement: FloatArray
    consensus: IntArray  # index into ``texts``
    texts: tuple[str, ...]
    posterior: FloatArray
    is_gold: BoolArray
    adjudicated: BoolArray

    @classmethod
    def from_rows(cls, rows: Sequence[ItemRow]) -> ItemLines:
        """Lines from ``ItemRow`` tuples."""
        texts = tuple(sorted({row[3] for row in rows if row[3] is not None}))
        code = {text: index for index, text in enumerate(texts)}
        return cls(
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.int64),
            np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
            np.array([-1 if r[3] is None else code[r[3]] for r in rows], dtype=np.int64),
            texts,
            np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=np.float64),
            np.array([r[5] for r in rows], dtype=bool),
            np.array([r[6] for r in rows], dtype=bool),
        )

    def __add__(self, other: ItemLines) -> ItemLines:
        shifted = np.where(other.consensus >= 0, other.consensus + len(self.texts), -1)

        def joined(name: str) -> Any:
            return np.concatenate([getattr(self, name), getattr(other, name)])

        return ItemLines(
            joined("item_ids"),
            joined("answers"),
            joined("agreement"),
            np.concatenate([self.consensus, shifted]),
            self.texts + other.texts,
            joined("posterior"),
            joined("is_gold"),
            joined("adjudicated"),
        )

    def __len__(self) -> int:
        return int(self.item_ids.size)

    def digests(self) -> IntArray:
        """A 64-bit fingerprint per line (multiply–xorshift mixing of every figure)."""
        text_codes = np.array(
            [zlib.crc32(t.encode()) for t in self.texts] + [int(_NONE)], dtype=np.uint64
        )
        fields = [
            self.answers.astype(np.uint64),
            _fixed(self.agreement),
            text_codes[self.consensus],
            _fixed(self.posterior),
            self.is_gold.astype(np.uint64),
            self.adjudicated.astype(np.uint64),
        ]
        mixed = np.zeros(len(self), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for field in fields:
                mixed = (mixed ^ field) * np.uint64(0x9E3779B97F4A7C15)
                mixed ^= mixed >> np.uint64(29)
        return mixed.view(np.int64)

    def rows(self, indices: IntArray, project_id: int) -> list[tuple[Any, ...]]:
        """The lines at ``indices`` as database rows, values in ``COLUMNS`` order."""
        digests = self.digests()[indices].tolist()
        texts = self.texts
        return [
            (
                project_id,
                item,
                answers,
                _value(agreement),
                texts[code] if code >= 0 else None,
                _value(posterior),
                gold,
                decided,
                digest,
            )
            for item, answers, agreement, code, posterior, gold, decided, digest in zip(
                self.item_ids[indices].tolist(),
                self.answers[indices].tolist(),
                self.agreement[indices].tolist(),
                self.consensus[indices].tolist(),
                self.posterior[indices].tolist(),
                self.is_gold[indices].tolist(),
                self.adjudicated[indices].tolist(),
                digests,
                strict=True,
            )
        ]


def _fixed(values: FloatArray) -> np.ndarray[Any, np.dtype[np.uint64]]:
    scaled = np.rint(np.nan_to_num(values, nan=0.0) * 1e4).astype(np.int64) + 2**40
    return np.where(np.isnan(values), _NONE, scaled.astype(np.uint64))


def _value(number: float) -> float | None:
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class ComputedReport:
    """What the report job stores: the payload, α (or None), the number of answers read,
    the newest answer id seen, and the per-item lines."""

    payload: dict[str, Any]
    alpha: float | None
    answers: int
    last_annotation_id: int
    items: ItemLines


def rounded(value: float | None, places: int = 4) -> float | None:
    """A figure as stored and shown: rounded, None for an undefined (nan) value."""
    return None if value is None or math.isnan(value) else round(float(value), places)


def answer_summary(kind: str, result: dict[str, Any]) -> str:
    """A short text for an answer in the per-item table: the label(s), the count of spans or
    boxes per label, or the start of a cleaned text ("" when nothing was marked)."""
    if kind == "classify":
        labels = result.get("labels") or ([result["label"]] if "label" in result else [])
        text = "、".join(str(label) for label in labels)
    elif kind in ("ner", "bbox"):
        marks = result.get("spans" if kind == "ner" else "boxes", [])
        counts = Counter(str(mark[-1]) for mark in marks)
        text = "、".join(f"{label}×{n}" for label, n in sorted(counts.items()))
    else:
        text = str(result.get("text", ""))
    return text[:SUMMARY_CHARS]


def identical_pair_share(results: Sequence[dict[str, Any]]) -> float | None:
    """Share of expert pairs whose answers are identical (None with fewer than two)."""
    n = len(results)
    if n < 2:
        return None
    counts = Counter(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in results)
    return rounded(sum(c * (c - 1) for c in counts.values()) / (n * (n - 1)))


def newest_answer_id(project_id: int) -> int:
    """Id of the project's newest answer, check items included (their results feed the
    experts' check-item records and the check items' lines)."""
    return int(
        db.session.scalar(
            select(func.max(Annotation.id)).where(Annotation.project_id == project_id)
        )
        or 0
    )


def adjudicated_items(project_id: int) -> set[int]:
    """Items of the project a reviewer decided."""
    return set(
        db.session.scalars(
            select(Adjudication.item_id).where(Adjudication.project_id == project_id)
        )
    )


def gold_rows(project: Project) -> list[ItemRow]:
    """Lines of the answered check items: answers, share that passed, the known answer."""
    known = dict(
        db.session.execute(
            select(Task.item_id, Task.gold_answer).where(
                Task.project_id == project.id, Task.is_gold.is_(True)
            )
        )
        .tuples()
        .all()
    )
    rows = db.session.execute(
        select(
            Annotation.item_id,
            func.count(),
            func.count().filter(passed_check(project_config(project))),
        )
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_not(None))
        .group_by(Annotation.item_id)
    ).all()
    return [
        (
            int(item),
            int(total),
            rounded(passed / total),
            answer_summary(project.task_type, known.get(item) or {}),
            None,
            True,
            False,
        )
        for item, total, passed in rows
    ]


def gold_by_worker(project: Project) -> dict[int, tuple[int, int]]:
    """(check items passed, check items answered) per expert of the project."""
    rows = db.session.execute(
        select(
            Annotation.annotator_id,
            func.count().filter(passed_check(project_config(project))),
            func.count(),
        )
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_not(None))
        .group_by(Annotation.annotator_id)
    ).all()
    return {worker: (int(correct), int(total)) for worker, correct, total in rows}


def gold_fields(gold: dict[int, tuple[int, int]], worker: int) -> dict[str, Any]:
    """An expert's check-item record with its 95 % Wilson interval (Wilson 1927)."""
    correct, total = gold.get(worker, (0, 0))
    low, high = wilson_interval(correct, total) if total else (math.nan, math.nan)
    return {
        "gold_correct": correct,
        "gold_total": total,
        "gold_low": rounded(low),
        "gold_high": rounded(high),
    }


def generic_rows(
    project: Project,
    answers: dict[int, list[dict[str, Any]]],
    agreement: dict[int, float | None] | None = None,
) -> list[ItemRow]:
    """Lines for answers that are not single labels: the consensus answer (merge rules of
    :mod:`app.quality.consensus`) and,
    unless given, the share of identical answer pairs as agreement."""
    decided = adjudicated_items(project.id)
    rows: list[ItemRow] = []
    for item, results in sorted(answers.items()):
        consensus = consensus_answer(project.task_type, results)
        share = agreement[item] if agreement is not None else identical_pair_share(results)
        rows.append(
            (
                item,
                len(results),
                share,
                None if consensus is None else answer_summary(project.task_type, consensus),
                None,
                False,
                item in decided,
            )
        )
    return rows


def item_lines(
    project: Project,
    answers: dict[int, list[dict[str, Any]]],
    agreement: dict[int, float | None] | None = None,
) -> ItemLines:
    """The lines of a project whose answers are not single labels, check items included."""
    return ItemLines.from_rows(generic_rows(project, answers, agreement) + gold_rows(project))


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
        select(_table.c.item_id, _table.c.digest).where(_table.c.project_id == project_id)
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
            update(_table)
            .where(_table.c.project_id == bindparam("p_id"), _table.c.item_id == bindparam("i_id"))
            .values({name: bindparam(name) for name in COLUMNS[2:]}),
            [
                {"p_id": row[0], "i_id": row[1], **dict(zip(COLUMNS[2:], row[2:], strict=True))}
                for row in lines.rows(changed, project_id)
            ],
        )
    for start in range(0, len(gone), 1000):
        db.session.execute(
            delete(_table).where(
                _table.c.project_id == project_id, _table.c.item_id.in_(gone[start : start + 1000])
            )
        )
    return {"inserted": int(new.size), "updated": int(changed.size), "deleted": len(gone)}


@dataclass(frozen=True)
class ItemQuery:
    """A page of the per-item table in an allowed order."""

    sort: str = "item"
    page: int = 1


def parse_item_query(args: dict[str, str]) -> ItemQuery:
    """Validate ``sort`` and ``page``; anything else, or a value off the allow-list, raises
    Invalid with status 400. ``lang`` picks the interface language on any page (app.i18n),
    so it is let through."""
    sort, page = args.get("sort") or "item", args.get("page") or "1"
    if (
        set(args) - {"sort", "page", "lang"}
        or sort not in SORTS
        or not page.isdigit()
        or not 1 <= int(page) <= MAX_PAGE
    ):
        error = Invalid(
            _l(
                "Unknown sort or page for the item table. Sort by one of: %(sorts)s.",
                sorts=", ".join(SORTS),
            ),
            code="bad_parameter",
        )
        error.status = 400
        raise error
    return ItemQuery(sort, int(page))


def _page_rows(project_id: int, query: ItemQuery) -> list[Any]:
    """PER_PAGE + 1 lines in the asked order: lines with a value first, ordered by it and
    then by item in the same direction, then lines without one, by item. Each part is a
    range scan of the (project, column, item) index on both databases; one ORDER BY with
    NULLS LAST would sort all 200,000 lines on PostgreSQL for a descending order."""
    name = query.sort.lstrip("-")
    column, descending = SORT_COLUMNS[name], query.sort.startswith("-")
    item = _table.c.item_id.desc() if descending else _table.c.item_id.asc()
    base = (
        select(
            *[getattr(_table.c, field) for field in FIELDS],
            Item.kind,
            func.substr(Item.text, 1, 60),
        )
        .join(Item, Item.id == _table.c.item_id)
        .where(_table.c.project_id == project_id)
    )
    offset, limit = (query.page - 1) * PER_PAGE, PER_PAGE + 1
    order = column.desc() if descending else column.asc()
    if name in ("item", "answers"):  # never empty
        return list(
            db.session.execute(base.order_by(order, item).limit(limit).offset(offset)).all()
        )
    rows = list(
        db.session.execute(
            base.where(column.is_not(None)).order_by(order, item).limit(limit).offset(offset)
        ).all()
    )
    if len(rows) == limit:
        return rows
    with_value = (
        offset + len(rows)
        if rows
        else db.session.scalar(
            select(func.count())
            .select_from(_table)
            .where(_table.c.project_id == project_id, column.is_not(None))
        )
        or 0
    )
    rows += db.session.execute(
        base.where(column.is_(None))
        .order_by(item)
        .limit(limit - len(rows))
        .offset(max(offset - with_value, 0))
    ).all()
    return rows


def list_items(project: Project, query: ItemQuery) -> dict[str, Any]:
    """One page of the stored per-item lines, with a preview of each item's text; empty
    values sort last in either direction."""
    rows = _page_rows(project.id, query)
    total = (
        db.session.scalar(
            select(func.count()).select_from(_table).where(_table.c.project_id == project.id)
        )
        or 0
    )
    return {
        "page": query.page,
        "per_page": PER_PAGE,
        "total": int(total),
        "has_next": len(rows) > PER_PAGE,
        "sort": query.sort,
        "items": [
            {
                **dict(zip(FIELDS, row[:7], strict=True)),
                "is_gold": bool(row[5]),
                "adjudicated": bool(row[6]),
                "text_preview": row[8] if row[7] == "text" else None,
            }
            for row in rows[:PER_PAGE]
        ],
    }
