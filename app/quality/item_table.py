"""Reading the stored per-item table: a page of lines in an order from an allow-list, each a
range scan of a (project, column, item) index, with a preview of each item's text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.exceptions import Invalid
from app.extensions import db
from app.models import Item, Project
from app.quality.item_store import QUALITY_ITEM
from app.quality.items import FIELDS

PER_PAGE = 50
MAX_PAGE = 100_000
SORT_COLUMNS = {
    "item": QUALITY_ITEM.c.item_id,
    "answers": QUALITY_ITEM.c.answers,
    "agreement": QUALITY_ITEM.c.agreement,
    "posterior": QUALITY_ITEM.c.posterior,
}
SORTS = tuple(name for key in SORT_COLUMNS for name in (key, "-" + key))


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
    item = QUALITY_ITEM.c.item_id.desc() if descending else QUALITY_ITEM.c.item_id.asc()
    base = (
        select(
            *[getattr(QUALITY_ITEM.c, field) for field in FIELDS],
            Item.kind,
            func.substr(Item.text, 1, 60),
        )
        .join(Item, Item.id == QUALITY_ITEM.c.item_id)
        .where(QUALITY_ITEM.c.project_id == project_id)
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
            .select_from(QUALITY_ITEM)
            .where(QUALITY_ITEM.c.project_id == project_id, column.is_not(None))
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
            select(func.count())
            .select_from(QUALITY_ITEM)
            .where(QUALITY_ITEM.c.project_id == project.id)
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
