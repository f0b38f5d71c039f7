"""Reading a corpus's items: keyset pages, substring search, statistics, same-file uploads.

Pages are keyed on the item's place in the corpus (``seq``): ``after=s`` gives the next
``PER_PAGE`` items with ``seq > s`` and ``before=s`` the ones before, read through the index
``(corpus_id, dropped, seq)`` (or ``(corpus_id, seq)`` for every item), so page 2,000 costs
what page 1 costs — no OFFSET, no COUNT. A search is a plain substring match (``LIKE`` with
its wildcards escaped, the same on SQLite and PostgreSQL) on the same keyset walk, which stops
as soon as a page is full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, literal_column, select

from app.exceptions import Invalid
from app.extensions import db
from app.models import Corpus, Item, NearDuplicateRun

PER_PAGE = 50
PREVIEW_CHARS = 300
MAX_SEARCH = 100
VIEWS = ("kept", "dropped", "all")
DROP_REASONS = ("manual", "length", "duplicate")
# Upper bounds (exclusive) of the length histogram's buckets, in characters.
BUCKETS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


@dataclass(frozen=True)
class ItemQuery:
    """Which items a page shows; every field is checked (see :func:`parse_item_query`)."""

    view: str = "kept"
    search: str = ""
    after: int | None = None
    before: int | None = None


def _bad(message: Any) -> Invalid:
    error = Invalid(message, code="bad_parameter")
    error.status = 400
    return error


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise _bad(_l("The page position must be a whole number."))
    return int(value)


def parse_item_query(args: Any) -> ItemQuery:
    """Validate ``view``, ``q``, ``after`` and ``before``; raises Invalid (400) otherwise."""
    unknown = set(args) - {"view", "q", "after", "before", "lang"}
    if unknown:
        raise _bad(_l("Unknown parameter: %(name)s.", name=sorted(unknown)[0]))
    view = args.get("view") or "kept"
    if view not in VIEWS:
        raise _bad(_l("Show kept, dropped or all items."))
    search = (args.get("q") or "").strip()
    if len(search) > MAX_SEARCH:
        raise _bad(_l("Search for at most %(n)d characters.", n=MAX_SEARCH))
    return ItemQuery(view, search, _cursor(args.get("after")), _cursor(args.get("before")))


def _filtered(corpus: Corpus, query: ItemQuery, *columns: Any) -> Select[Any]:
    stmt = select(*columns).where(Item.corpus_id == corpus.id)
    if query.view == "kept":
        stmt = stmt.where(Item.dropped.is_(None))
    elif query.view == "dropped":
        stmt = stmt.where(Item.dropped.is_not(None))
    if query.search:
        stmt = stmt.where(Item.text.contains(query.search, autoescape=True))
    return stmt


def item_page(corpus: Corpus, query: ItemQuery) -> dict[str, Any]:
    """One page of a corpus's items in corpus order: ``items`` (id, seq, length, text
    preview, kind, dropped reason, metadata), and ``next_after`` / ``prev_before``, the
    cursors of the neighbouring pages (None where there is none)."""
    columns = (Item.id, Item.seq, Item.text, Item.kind, Item.dropped, Item.meta)
    stmt = _filtered(corpus, query, *columns)
    if query.before is not None:
        stmt = stmt.where(Item.seq < query.before).order_by(Item.seq.desc())
    else:
        stmt = stmt.where(Item.seq > (query.after or 0)).order_by(Item.seq)
    rows = list(db.session.execute(stmt.limit(PER_PAGE + 1)).all())
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    if query.before is not None:
        rows.reverse()
    items = [_item_json(row) for row in rows]
    backwards = query.before is not None
    has_next = (more if not backwards else True) and bool(items)
    has_prev = (more if backwards else query.after is not None) and bool(items)
    return {
        "items": items,
        "next_after": items[-1]["seq"] if has_next else None,
        "prev_before": items[0]["seq"] if has_prev else None,
    }


def _item_json(row: Any) -> dict[str, Any]:
    item_id, seq, text, kind, dropped, meta = row
    return {
        "id": item_id,
        "seq": seq,
        "length": len(text),
        "text": text[:PREVIEW_CHARS],
        "truncated": len(text) > PREVIEW_CHARS,
        "kind": kind,
        "dropped": dropped,
        "meta": meta or {},
    }


def _bucket_labels() -> list[str]:
    labels, low = [], 0
    for high in BUCKETS:
        labels.append(f"{low}–{high - 1}")
        low = high
    return [*labels, f"≥ {BUCKETS[-1]}"]


def _length_buckets(corpus: Corpus) -> tuple[dict[int, int], tuple[Any, Any, Any]]:
    """Items per length bucket, and the shortest, longest and mean length, of the kept text
    items."""
    length = func.length(Item.text)
    # Constants written into the SQL: PostgreSQL groups by the CASE only when the GROUP BY's
    # expression is the select's, bound parameters and all.
    bucket = case(
        *(
            (length < literal_column(str(high)), literal_column(str(index)))
            for index, high in enumerate(BUCKETS)
        ),
        else_=literal_column(str(len(BUCKETS))),
    )
    # One pass over the kept text items: per bucket its count and the shortest, longest and
    # summed lengths, from which the totals follow.
    buckets = db.session.execute(
        select(bucket, func.count(), func.min(length), func.max(length), func.sum(length))
        .where(Item.corpus_id == corpus.id, Item.dropped.is_(None), Item.kind == "text")
        .group_by(bucket)
    ).all()
    histogram = {int(row[0]): int(row[1]) for row in buckets}
    counted = sum(histogram.values())
    totals = (
        min((row[2] for row in buckets), default=None),
        max((row[3] for row in buckets), default=None),
        sum(int(row[4]) for row in buckets) / counted if counted else None,
    )
    return histogram, totals


def corpus_statistics(corpus: Corpus) -> dict[str, Any]:
    """Counts of kept and dropped items (per reason), the exact-duplicate rate of the upload,
    the near-duplicate rate of the latest finished search, and the length histogram
    (characters, kept text items) with its bucket labels."""
    histogram, totals = _length_buckets(corpus)
    by_reason: dict[str, int] = {
        reason or "kept": count
        for reason, count in db.session.execute(
            select(Item.dropped, func.count())
            .where(Item.corpus_id == corpus.id)
            .group_by(Item.dropped)
        ).all()
    }
    read = corpus.item_count + corpus.duplicate_count
    return {
        "kept": int(by_reason.get("kept", 0)),
        "dropped": {reason: int(by_reason.get(reason, 0)) for reason in DROP_REASONS},
        "exact_duplicates": corpus.duplicate_count,
        "exact_duplicate_rate": round(corpus.duplicate_count / read, 4) if read else 0.0,
        "near_duplicate_rate": near_duplicate_rate(corpus),
        "min_length": corpus.min_length,
        "length": {
            "min": totals[0],
            "max": totals[1],
            "mean": round(float(totals[2]), 1) if totals[2] is not None else None,
        },
        "histogram": [
            {"label": label, "count": int(histogram.get(index, 0))}
            for index, label in enumerate(_bucket_labels())
        ],
    }


def latest_near_duplicate_run(corpus: Corpus) -> NearDuplicateRun | None:
    """The corpus's latest search for near-duplicates, whatever its state."""
    return db.session.scalar(
        select(NearDuplicateRun)
        .where(NearDuplicateRun.corpus_id == corpus.id)
        .order_by(NearDuplicateRun.id.desc())
        .limit(1)
    )


def near_duplicate_rate(corpus: Corpus) -> float | None:
    """Share of the items compared that are redundant copies (a group's members beyond its
    first) by the latest finished search; None before any."""
    run = latest_near_duplicate_run(corpus)
    if run is None or run.status != "done" or not run.items_compared:
        return None
    extra = sum(len(group) - 1 for group in run.groups)
    return round(extra / run.items_compared, 4)


def same_file_corpora(corpus: Corpus) -> list[Corpus]:
    """The organization's other corpora made from a file with the same SHA-256 (the same
    bytes uploaded again), oldest first."""
    return list(
        db.session.scalars(
            select(Corpus)
            .where(
                Corpus.organization_id == corpus.organization_id,
                Corpus.sha256 == corpus.sha256,
                Corpus.id != corpus.id,
            )
            .order_by(Corpus.id)
        )
    )


def corpus_page(corpus: Corpus, query: ItemQuery) -> dict[str, Any]:
    """What the corpus page shows: the item page, same-file uploads and, on the first page
    only (paging and searching do not recount), the statistics."""
    first = query.after is None and query.before is None and not query.search
    return {
        "listing": item_page(corpus, query),
        "statistics": corpus_statistics(corpus) if first else None,
        "same_file": same_file_corpora(corpus),
    }


def near_duplicate_run(corpus: Corpus, run_id: int) -> NearDuplicateRun | None:
    """One search of this corpus (None for another corpus's id)."""
    run = db.session.get(NearDuplicateRun, run_id)
    return run if run is not None and run.corpus_id == corpus.id else None
