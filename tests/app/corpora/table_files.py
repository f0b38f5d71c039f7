"""Table files for the upload tests: CSV text, workbooks built with openpyxl, and helpers
that upload with a mapping and read back what the items keep."""

from __future__ import annotations

import io
import json
from typing import Any

from tests.app.builders import Api


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An .xlsx holding the named sheets in order, each a list of rows."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload_table(
    api: Api, content: bytes, filename: str, mapping: Any = None, wait: bool = False
) -> Any:
    """POST /corpora with the mapping as a JSON form field (and wait_for_mapping)."""
    data: dict[str, Any] = {"file": (io.BytesIO(content), filename), "name": "表格"}
    if mapping is not None:
        data["mapping"] = json.dumps(mapping, ensure_ascii=False)
    if wait:
        data["wait_for_mapping"] = "1"
    return api.client.post(
        "/api/v1/corpora",
        data=data,
        headers={"Authorization": f"Bearer {api.token}"},
        content_type="multipart/form-data",
    )


def items_of(app: Any, corpus_id: int) -> list[tuple[str, dict[str, Any] | None]]:
    """(text, meta) of a corpus's items in file order."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with app.app_context():
        rows = db.session.execute(
            select(Item.text, Item.meta).where(Item.corpus_id == corpus_id).order_by(Item.seq)
        )
        return [(text, meta) for text, meta in rows]
