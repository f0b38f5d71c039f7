"""Which column is the text, which the vendor's own id, which are kept: a table's mapping.

Columns of a CSV, TSV or ``.xlsx`` are named by their header cells; fields of a JSON
record by a dotted path (``source.url`` is ``record["source"]["url"]``; a key that holds
dots itself is found first). Without a mapping, the text is the first column called
``text``, ``content``, ``文本``, ``内容`` or ``正文`` (any case), the id the first called
``id``, ``编号``, ``uid`` or ``序号``, and every other column is kept.

An item's ``meta`` is ``{"source_id": "<vendor id>", "fields": {...}}``: the kept columns
by name (every other one: the record without its text and id; chosen ones: by their path).
A chosen JSON path ending in ``.*`` keeps every field of the object there under its own
name: ``meta.*`` reads back the ``meta`` object of Wanbiao's JSON Lines export as it was.

An optional ``label`` column or path holds each row's class label(s), stored as the item's
pre-annotation ``{"labels": [...]}`` exactly as Label Studio ``choices`` are (see
:mod:`app.corpora.annotations_in`): a cell split on ``label_separator`` when one is given
(``|`` reads the ``final_label`` column of a multi-label CSV export), a JSON list of
strings as its labels (``final.labels`` of the JSON Lines export), an empty cell as no
pre-annotation. The label column is not kept as metadata.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, cast

from app.corpora.formats import LineError, Record
from app.corpora.tables.reading import TableRefused

TEXT_NAMES = ("text", "content", "文本", "内容", "正文")
ID_NAMES = ("id", "编号", "uid", "序号")
MAX_PATH = 200
MAX_SEPARATOR = 10
ROLE_KEYS = {"text", "id", "meta", "sheet", "label", "label_separator"}


@dataclass(frozen=True)
class Mapping:
    """``text`` and ``source_id`` name a column or path; ``fields`` None keeps all others."""

    text: str
    source_id: str | None = None
    fields: tuple[str, ...] | None = None
    sheet: str | None = None
    label: str | None = None
    label_separator: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The mapping as stored on the corpus and shown by the API."""
        shown: dict[str, Any] = {
            "text": self.text,
            "id": self.source_id,
            "meta": None if self.fields is None else list(self.fields),
            "sheet": self.sheet,
        }
        if self.label is not None:
            shown |= {"label": self.label, "label_separator": self.label_separator}
        return shown


def _named(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {column.strip().lower(): column for column in reversed(columns)}
    return next((lowered[name] for name in names if name in lowered), None)


def default_mapping(columns: list[str], sheet: str | None = None) -> Mapping | None:
    """The mapping by conventional names, or None when no column looks like the text."""
    text = _named(columns, TEXT_NAMES)
    if text is None:
        return None
    return Mapping(text, _named([c for c in columns if c != text], ID_NAMES), None, sheet)


def _path(value: Any, role: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_PATH:
        raise TableRefused("mapping_shape", role=role)
    return value


def _separator(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_SEPARATOR or not value.strip():
        raise TableRefused("mapping_shape", role="label_separator")
    return value


def parse_mapping(data: Any, sheets: list[str] | None = None) -> Mapping:
    """A mapping from its JSON shape ``{"text", "id", "meta", "sheet", "label",
    "label_separator"}``; TableRefused (``mapping_shape``, ``no_text_column``,
    ``unknown_sheet``, ``same_column``) otherwise. Whether the columns exist is checked
    against the file by :func:`check_columns`."""
    if not isinstance(data, dict) or set(data) - ROLE_KEYS:
        raise TableRefused("mapping_shape", role="mapping")
    text = _path(data.get("text"), "text")
    if text is None:
        raise TableRefused("no_text_column")
    source_id = _path(data.get("id"), "id")
    if source_id == text:
        raise TableRefused("same_column", column=text)
    label = _path(data.get("label"), "label")
    if label is not None and label in (text, source_id):
        raise TableRefused("same_label_column", column=label)
    separator = _separator(data.get("label_separator"))
    fields = data.get("meta")
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > 1000:
            raise TableRefused("mapping_shape", role="meta")
        fields = tuple(dict.fromkeys(p for f in fields if (p := _path(f, "meta"))))
    sheet = data.get("sheet")
    if sheet is not None and (sheets is None or sheet not in sheets):
        raise TableRefused("unknown_sheet", sheet=str(sheet)[:100])
    return Mapping(text, source_id, fields, sheet, label, separator if label else None)


def check_columns(mapping: Mapping, columns: list[str], tabular: bool) -> None:
    """TableRefused (``unknown_column``) for a column the header does not have. JSON paths
    are looked up record by record instead (a record without one is a line error)."""
    if not tabular:
        return
    for role, name in (
        ("text", mapping.text),
        ("id", mapping.source_id),
        ("label", mapping.label),
    ):
        if name is not None and name not in columns:
            raise TableRefused("unknown_column", column=name, role=role)
    for name in mapping.fields or ():
        if name not in columns:
            raise TableRefused("unknown_column", column=name, role="meta")


#: A chosen path ending in this keeps each field of the object there under its own name.
EVERY_FIELD = ".*"


def _chosen(chosen: tuple[tuple[str, bool], ...], record: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for path, every_field in chosen:
        if every_field and path not in record:
            found = lookup(record, path[: -len(EVERY_FIELD)])
            if isinstance(found, dict):
                kept |= {k: v for k, v in found.items() if v not in (None, "")}
            continue
        value = lookup(record, path)
        if value is not MISSING and value not in (None, ""):
            kept[path] = value
    return kept


MISSING = object()


def lookup(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted path (a key holding the whole path wins); ``MISSING`` if none."""
    if path in record:
        return record[path]
    value: Any = record
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return MISSING
        value = value[key]
    return value


def _without(record: dict[str, Any], path: str) -> None:
    if path in record:
        del record[path]
        return
    keys = path.split(".")
    parents = [record]
    for key in keys[:-1]:
        parent = parents[-1].get(key)
        if not isinstance(parent, dict):
            return
        parents.append(parent)
    parents[-1].pop(keys[-1], None)
    for key, parent in zip(reversed(keys[:-1]), reversed(parents[:-1]), strict=True):
        if parent.get(key) == {}:
            del parent[key]


def _scalar_text(value: Any) -> str | None:
    kind = value.__class__
    if kind is str:  # the usual cells first: a JSON string or whole number
        return cast(str, value)
    if kind is int:
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, int | float | dt.date):
        return str(value)
    return None


def _kept(mapping: Mapping, record: dict[str, Any]) -> dict[str, Any]:
    """Every field but the text, id and label (``fields`` None), where one of those is a
    dotted path: the record is copied deep, as the path is removed from a nested object."""
    rest = (
        copy.deepcopy(record)
        if any("." in p for p in (mapping.text, mapping.source_id or "", mapping.label or ""))
        else dict(record)
    )
    for path in (mapping.text, mapping.source_id, mapping.label):
        if path is not None:
            _without(rest, path)
    return {key: value for key, value in rest.items() if value not in (None, "")}


def _labels(mapping: Mapping, value: Any) -> list[str] | None:
    """The class labels of a label cell ([] when empty); None when it is not text."""
    if value is MISSING or value is None:
        return []
    if isinstance(value, list):
        parts: list[str] = []
        for element in value:
            cell = _scalar_text(element)
            if cell is None:
                return None
            parts.append(cell)
        return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
    cell = _scalar_text(value)
    if cell is None:
        return None
    parts = cell.split(mapping.label_separator) if mapping.label_separator else [cell]
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


class CompiledMapping:
    """A mapping prepared once for a whole file: what :func:`apply_mapping` decides for
    every row (which path is a plain key, which columns are dropped from the kept ones, the
    chosen fields as ``(path, every field)`` pairs) is decided here once, so a row costs
    only its own lookups."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        roles = (mapping.text, mapping.source_id, mapping.label)
        self.dotted = any(path is not None and "." in path for path in roles)
        self.dropped = frozenset(path for path in roles if path is not None)
        self.chosen = (
            None
            if mapping.fields is None
            else tuple((path, path.endswith(EVERY_FIELD)) for path in mapping.fields)
        )

    def kept(self, record: dict[str, Any]) -> dict[str, Any]:
        """The fields kept as metadata: :func:`_kept`, without its per-row decisions."""
        if self.chosen is not None:
            return _chosen(self.chosen, record)
        if self.dotted:
            return _kept(self.mapping, record)
        dropped = self.dropped
        return {
            key: value
            for key, value in record.items()
            if key not in dropped and value is not None and value != ""
        }

    def labels(self, record: dict[str, Any]) -> dict[str, Any] | None | LineError:
        """The pre-annotation of the label column (None: none); a LineError when the cell
        is not text."""
        label = self.mapping.label
        assert label is not None
        labels = _labels(self.mapping, lookup(record, label))
        if labels is None:
            return LineError(0, "label_not_string", field=label)
        return {"labels": labels} if labels else None

    def fields(self, line: int, record: dict[str, Any]) -> Mapped | LineError:
        """``(text, meta, preannotation)`` of one record, or the LineError naming the
        column (see :func:`apply_mapping`)."""
        mapping = self.mapping
        value = lookup(record, mapping.text)
        text = value if value.__class__ is str else _scalar_text(value)
        if text is None:
            code = "missing_text" if value is MISSING or value is None else "text_not_string"
            return LineError(line, code, field=mapping.text)
        if not text or text.isspace():
            return LineError(line, "empty_text", field=mapping.text)
        meta: dict[str, Any] = {}
        if mapping.source_id is not None:
            source_id = _scalar_text(lookup(record, mapping.source_id))
            source_id = None if source_id is None else source_id.strip()
            if not source_id:
                return LineError(line, "missing_id", field=mapping.source_id)
            meta["source_id"] = source_id
        preannotation = None
        if mapping.label is not None:
            labels = self.labels(record)
            if isinstance(labels, LineError):
                return LineError(line, labels.code, field=labels.field)
            preannotation = labels
        fields = self.kept(record)
        if fields:
            meta["fields"] = fields
        return text, meta or None, preannotation


#: What a mapped record gives its item: text, ``meta`` and pre-annotation.
Mapped = tuple[str, dict[str, Any] | None, dict[str, Any] | None]


@functools.lru_cache(maxsize=64)
def compile_mapping(mapping: Mapping) -> CompiledMapping:
    """The mapping prepared for applying it to many rows (kept for the next file too)."""
    return CompiledMapping(mapping)


def apply_mapping(mapping: Mapping, line: int, record: dict[str, Any]) -> Record | LineError:
    """One record as an item: its text, ``meta`` with the vendor's id and kept fields, and
    the labels of the label column as its pre-annotation; a LineError (``missing_text``,
    ``empty_text``, ``text_not_string``, ``missing_id``, ``label_not_string``) naming the
    column otherwise."""
    mapped = compile_mapping(mapping).fields(line, record)
    if isinstance(mapped, LineError):
        return mapped
    return Record(line, *mapped)
