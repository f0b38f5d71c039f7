"""The mapping of a table upload: read its columns, take the mapping given with the upload
(or the conventional one), or wait for the vendor's choice in the mapping step.

Every problem is an Invalid with a translated sentence naming the column, sheet or line;
the caller deletes what it stored.
"""

from __future__ import annotations

import json
from typing import IO, Any

from flask_babel import lazy_gettext as _l

from app.corpora.tables.mapping import (
    Mapping,
    check_columns,
    default_mapping,
    parse_mapping,
)
from app.corpora.tables.preview import preview_table
from app.corpora.tables.reading import TableRefused
from app.exceptions import Invalid

ROLES = {
    "text": _l("text"),
    "id": _l("id"),
    "meta": _l("metadata"),
    "mapping": _l("mapping"),
    "label": _l("label"),
    "label_separator": _l("label separator"),
}
REFUSALS: dict[str, Any] = {
    "duplicate_column": _l("Two columns are called “%(column)s”: give each column its own name."),
    "too_many_columns": _l("The table has more than %(limit)d columns."),
    "no_header": _l("The file has no header row naming its columns."),
    "bad_csv": _l("Line %(line)d of the CSV file is malformed (a quote is not closed?)."),
    "bad_workbook": _l("The Excel workbook is damaged or is not an .xlsx file."),
    "unknown_sheet": _l("The workbook has no sheet called “%(sheet)s”."),
    "json_not_records": _l(
        "A .json file must hold an array of objects, or one object per line (JSON Lines)."
    ),
    "mapping_shape": _l(
        'The mapping’s “%(role)s” part has the wrong shape: give {"text": "column", '
        '"id": "column", "meta": ["column", …], "sheet": "name", "label": "column", '
        '"label_separator": "|"}.'
    ),
    "no_text_column": _l("Choose the column that holds the text."),
    "same_column": _l("“%(column)s” cannot be both the text and the id."),
    "same_label_column": _l(
        "“%(column)s” cannot be both the label column and the text or id column."
    ),
    "unknown_column": _l("The file has no column “%(column)s” (chosen as %(role)s)."),
}


def refusal(refused: TableRefused) -> Invalid:
    """The translated Invalid for a table that cannot be read or mapped."""
    params = dict(refused.params)
    if "role" in params:
        params["role"] = str(ROLES.get(params["role"], params["role"]))
    template = REFUSALS.get(refused.code)
    message = template % params if template is not None else refused.code
    return Invalid(message, code=refused.code)


def mapping_from_form(raw: str | None) -> Any:
    """The ``mapping`` form field as JSON (None when absent); Invalid when it is not JSON."""
    if raw is None or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise Invalid(_l("The mapping is not valid JSON."), code="mapping_shape") from None


def _sheet_columns(sheets: list[dict[str, Any]], name: str | None) -> list[str]:
    chosen = next((s for s in sheets if s["name"] == name), sheets[0]) if name else sheets[0]
    return list(chosen["columns"])


def validated_mapping(fmt: str, sheets: list[dict[str, Any]], data: Any) -> Mapping:
    """The mapping ``data`` checked against the file's columns; Invalid otherwise."""
    try:
        names = [s["name"] for s in sheets] if fmt == "xlsx" else None
        mapping = parse_mapping(data, names)
        check_columns(mapping, _sheet_columns(sheets, mapping.sheet), fmt not in ("json", "jsonl"))
    except TableRefused as refused:
        raise refusal(refused) from None
    return mapping


def _default(fmt: str, sheets: list[dict[str, Any]]) -> Mapping:
    columns = _sheet_columns(sheets, None)
    mapping = default_mapping(columns)
    if mapping is not None:
        return mapping
    if fmt in ("json", "jsonl"):  # records without a text field are each line's error
        return Mapping("text")
    raise Invalid(
        _l(
            "No column is called text, content, 文本 or 内容: say which column holds the "
            "text with a mapping. The columns are: %(columns)s.",
            columns="、".join(columns[:50]),
        ),
        code="no_text_column",
        details=columns[:200],
    )


def prepare_table(
    fmt: str, stream: IO[bytes], encoding: str | None, data: Any, wait: bool
) -> tuple[dict[str, Any], bool]:
    """(the corpus's ``mapping`` column, whether ingestion may start now) for an uploaded
    table: its sheets' columns and first rows, and the mapping given (``data``), else the
    conventional one, unless ``wait`` asks for the mapping step. Raises Invalid."""
    try:
        sheets = preview_table(fmt, stream, encoding)
    except TableRefused as refused:
        raise refusal(refused) from None
    described: dict[str, Any] = {"encoding": encoding, "sheets": sheets}
    if data is not None:
        return described | {"chosen": validated_mapping(fmt, sheets, data).as_json()}, True
    if wait:
        proposal = default_mapping(_sheet_columns(sheets, None))
        return described | {"proposed": proposal.as_json() if proposal else None}, False
    return described | {"chosen": _default(fmt, sheets).as_json()}, True


def mapping_form(table: dict[str, Any] | None, sheet: str | None) -> dict[str, Any] | None:
    """What the mapping step shows for one sheet (the named one, else the first): the sheet
    names, its columns and first rows, and the roles proposed for its columns (the
    conventional names; every other column kept). None for a corpus that is not a table."""
    if not table or not table.get("sheets"):
        return None
    sheets = table["sheets"]
    chosen = next((s for s in sheets if s["name"] == sheet), sheets[0])
    proposal = default_mapping(list(chosen["columns"]))
    return {
        "sheets": [s["name"] for s in sheets if s["name"] is not None],
        "sheet": chosen["name"],
        "columns": chosen["columns"],
        "rows": chosen["rows"],
        "text": proposal.text if proposal else None,
        "id": proposal.source_id if proposal else None,
    }
