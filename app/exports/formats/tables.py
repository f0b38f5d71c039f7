"""Tables and text: CSV and ``.xlsx`` (classification, cleaning, collection) and plain text
(cleaning, collection). One row per item: its id, the vendor's own id (``source_id``, when
the corpus has one), the text, the item's metadata fields (one column each, under the
vendor's own column names), the final answer, then each expert's name and answer in the
order they answered (``expert_1``, ``answer_1`` …)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.csv_export import csv_lines
from app.exports.formats.base import Batches, ExportRecord, ProjectShape

#: Excel keeps at most this many characters in a cell; longer texts are cut there.
XLSX_CELL_CHARS = 32_767
#: Several labels of a multi-label answer share one cell, joined by this.
LABEL_JOIN = "|"


def _label(result: dict[str, Any]) -> list[Any]:
    if "labels" in result:
        return [LABEL_JOIN.join(result["labels"])]
    return [result.get("label", "")]


def _cleaned(result: dict[str, Any]) -> list[Any]:
    return [result.get("text", ""), LABEL_JOIN.join(result.get("flags", []))]


def _collected(result: dict[str, Any]) -> list[Any]:
    picture = result.get("object")
    return [picture["key"] if isinstance(picture, dict) else result.get("text", "")]


#: Per task type: the names of an answer's columns, and an answer's cells.
ANSWER_COLUMNS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], list[Any]]]] = {
    "classify": (("label",), _label),
    "clean": (("text", "flags"), _cleaned),
    "collect": (("text",), _collected),
}


def _answer_header(project: ProjectShape) -> list[str]:
    names, _ = ANSWER_COLUMNS[project.task_type]
    head = [f"final_{name}" for name in names]
    for n in range(1, project.overlap + 1):
        head += [f"expert_{n}", *(f"{name}_{n}" for name in names)]
    return head


def header(project: ProjectShape) -> list[str]:
    """``item_id, [source_id,] text, <metadata field>…, final_<column>…, expert_1,
    <column>_1 …`` for k experts; a field named like one of the other columns is
    ``meta.<name>``."""
    fixed = ["item_id", *(["source_id"] if project.source_ids else []), "text"]
    answers = _answer_header(project)
    taken = set(fixed) | set(answers)
    fields = [f"meta.{name}" if name in taken else name for name in project.meta_columns]
    return [*fixed, *fields, *answers]


def _meta_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def row(project: ProjectShape, record: ExportRecord) -> list[Any]:
    """One item's cells; an item waiting for review has empty final cells."""
    names, cells = ANSWER_COLUMNS[project.task_type]
    text = record.object_key if record.object_key and not record.text else record.text
    out: list[Any] = [record.item_id]
    if project.source_ids:
        out.append(record.source_id or "")
    out.append(text)
    meta = record.meta or {}
    out += [_meta_cell(meta.get(name)) for name in project.meta_columns]
    out += cells(record.final) if record.final is not None else [""] * len(names)
    for expert, answer in record.answers:
        out += [expert, *cells(answer)]
    return out


def _rows(project: ProjectShape, batches: Batches) -> Iterator[list[Any]]:
    yield header(project)
    for batch in batches:
        for record in batch:
            yield row(project, record)


def write_csv(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """UTF-8 CSV with a BOM, formula-safe (:mod:`app.csv_export`)."""
    for line in csv_lines(_rows(project, batches)):
        out.write(line.encode("utf-8"))


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_CHARS])
    # A text cell is never evaluated: "=1+2" stays the text a user typed, not a formula.
    cell.data_type = "s"
    return cell


def write_xlsx(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """One sheet in openpyxl's write-only mode, which keeps rows on disk, not in memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("export")
    for cells in _rows(project, batches):
        sheet.append([_xlsx_cell(sheet, value) for value in cells])
    book.save(out)


_BLANK_LINES = re.compile(r"\n\s*\n")


def _plain(project: ProjectShape, record: ExportRecord) -> str:
    if project.task_type == "clean":
        return str(record.final.get("text", "")) if record.final else ""
    return "" if record.object_key else record.text


def write_text(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """One item per paragraph, a blank line between: the final cleaned text (cleaning; items
    still in review or emptied as junk are left out) or the collected text. Blank lines
    inside an item are closed up so that every paragraph stays one item."""
    for batch in batches:
        chunk = [
            _BLANK_LINES.sub("\n", text) for r in batch if (text := _plain(project, r).strip())
        ]
        if chunk:
            out.write(("\n\n".join(chunk) + "\n\n").encode("utf-8"))
