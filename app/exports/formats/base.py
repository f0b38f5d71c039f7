"""What every export format writer takes: the project's shape and its items in batches, each
with its final answer and every expert's answer under the name the requester may see."""

from __future__ import annotations

import re
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


class MemberNames:
    """File names inside a ZIP, one per image: the image's own name (its folders kept, so a
    label file sits where training code looks for it), made safe and unique."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def stem(self, record: ExportRecord) -> str:
        """The image's name without extension, e.g. ``street/0`` for ``street/0.png``."""
        parts = [
            _UNSAFE_PATH.sub("_", part)
            for part in record.text.replace("\\", "/").split("/")
            if part not in ("", ".", "..")
        ]
        name = "/".join(parts) or f"item-{record.item_id}"
        stem = name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name
        if stem in self._used:
            stem = f"{stem}-{record.item_id}"
        self._used.add(stem)
        return stem
