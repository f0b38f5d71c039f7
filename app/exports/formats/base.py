"""What every export format writer takes: the project's shape and its items in batches, each
with its final answer and every expert's answer under the name the requester may see."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any


@dataclass(frozen=True)
class ProjectShape:
    """What a writer needs of the project: its task type, labels in project order, k; and of
    its corpus: whether items carry the vendor's own ids, and the names of the metadata
    fields (a table's kept columns, a document's title …) in the order a table shows them."""

    task_type: str
    labels: tuple[str, ...]
    overlap: int
    source_ids: bool = False
    meta_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportRecord:
    """One item: its text (an image's original file name), the image's stored key and size,
    the final answer (None while it waits for review) and (expert name, answer) pairs; its
    metadata and the pre-annotation it was imported with (the part the task type uses)."""

    item_id: int
    text: str
    final: dict[str, Any] | None
    answers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    object_key: str | None = None
    width: int | None = None
    height: int | None = None
    source_id: str | int | None = None  # a table's id is text; another tool's may be a number
    meta: dict[str, Any] | None = None
    preannotation: dict[str, Any] | None = None

    def decided(self) -> dict[str, Any] | None:
        """What the training formats write: the final answer, else the pre-annotation
        (formats without a field for pre-annotations carry them where no final answer
        exists yet); None when the item has neither."""
        return self.final if self.final is not None else self.preannotation


def item_metadata(
    stored: dict[str, Any] | None,
) -> tuple[str | int | None, dict[str, Any] | None]:
    """(the vendor's id, the metadata fields) of an item's stored ``meta``, whichever of its
    three shapes: a table row keeps ``{"source_id", "fields"}`` (:mod:`app.corpora.tables.mapping`);
    another tool's record keeps its fields flat beside ``source_id``
    (:mod:`app.corpora.annotations_in`); a document's ``meta`` (title, source file …) is all
    fields."""
    if not stored:
        return None, None
    source_id = stored.get("source_id")
    if "fields" in stored:
        fields = stored.get("fields")
    else:
        fields = {name: value for name, value in stored.items() if name != "source_id"}
    return source_id, fields or None


def merged_fields(
    data: dict[str, Any], record: ExportRecord, prefix: str = "meta_"
) -> dict[str, Any]:
    """``data`` with the record's ``source_id`` and metadata fields beside its own keys (the
    way Label Studio's ``data`` and doccano's lines keep extra columns); a field whose name
    ``data`` already uses is written as ``<prefix><name>``."""
    merged = dict(data)
    if record.source_id is not None:
        merged.setdefault("source_id", record.source_id)
    for name, value in (record.meta or {}).items():
        merged[name if name not in merged else f"{prefix}{name}"] = value
    return merged


Batches = Iterable[list[ExportRecord]]
#: ``write(project, batches, out)`` streams the whole file into ``out`` batch by batch.
Writer = Callable[[ProjectShape, Batches, IO[bytes]], None]


def number(value: float) -> int | float:
    """A coordinate as an int when whole, else rounded to 2 decimals (as CVAT writes them)."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


_UNSAFE_PATH = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")
#: Names looked up in one query (SQLite allows 32,766 parameters since 3.32, 999 before).
_NAMES_PER_QUERY = 900


def image_stem(record: ExportRecord) -> str:
    """The image's name without extension, its folders kept and made safe, e.g.
    ``street/0`` for ``street/0.png`` (``item-<id>`` for an image without a usable name)."""
    parts = [
        _UNSAFE_PATH.sub("_", part)
        for part in record.text.replace("\\", "/").split("/")
        if part not in ("", ".", "..")
    ]
    name = "/".join(parts) or f"item-{record.item_id}"
    return name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name


class MemberNames:
    """File names inside a ZIP, one per image: the image's own name (:func:`image_stem`, so a
    label file sits where training code looks for it), and where an earlier image took it
    (``a.jpg`` and ``a.png``), that name and ``-<item id>``.

    The names given so far wait in a private temporary SQLite database on disk (its page
    cache is bounded), not in a set: a million images' names would hold some 80 MB. Use it as
    a context manager; closing it removes the database."""

    def __init__(self) -> None:
        # "" opens a temporary database that SQLite keeps in a file and deletes on close.
        self._given = sqlite3.connect("")
        self._given.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE given (name TEXT PRIMARY KEY) WITHOUT ROWID;"
        )

    def __enter__(self) -> MemberNames:
        return self

    def __exit__(self, *_: object) -> None:
        self._given.close()

    def _given_before(self, names: set[str]) -> set[str]:
        found: set[str] = set()
        ordered = sorted(names)
        for start in range(0, len(ordered), _NAMES_PER_QUERY):
            chunk = ordered[start : start + _NAMES_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            rows = self._given.execute(f"SELECT name FROM given WHERE name IN ({marks})", chunk)  # noqa: S608
            found.update(name for (name,) in rows)
        return found

    def stems(self, records: list[ExportRecord]) -> list[str]:
        """One unique name without extension per record, in order; e.g. ``street/0`` for
        ``street/0.png``, or ``street/0-17`` when an earlier image was given ``street/0``."""
        own = [image_stem(record) for record in records]
        taken = self._given_before(set(own))
        given: list[str] = []
        for record, name in zip(records, own, strict=True):
            while name in taken:
                name = f"{name}-{record.item_id}"
                taken |= self._given_before({name})
            taken.add(name)
            given.append(name)
        self._given.executemany("INSERT INTO given VALUES (?)", ((name,) for name in given))
        return given
