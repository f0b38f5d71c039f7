"""The bureau's open-data notice (定期通报各地各部门数据开放情况): for a month or a quarter,
by city and by department, the releases opened, their documents, characters, findings by
type, the worst residual bound, and the downloads."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.exceptions import Invalid
from app.extensions import db
from app.models import Organization, Release, ReleaseDownload
from app.releases.states import ReleaseState

# Months and quarters are counted in Beijing time, as the bureau reports them.
BEIJING = ZoneInfo("Asia/Shanghai")
PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")
COLUMNS = (
    "city",
    "department",
    "releases",
    "documents",
    "characters",
    "findings",
    "worst_bound_per_1000",
    "downloads",
)


def parse_period(text: str) -> tuple[datetime, datetime, str]:
    """``2026-12`` (a month) or ``2026-Q4`` (a quarter) as ``(start, end, label)``, the
    bounds in Beijing time, end exclusive.  Raises Invalid (``notice.bad_period``)."""
    match = PERIOD.match(text.strip())
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise Invalid(
            _l("A period is a month (2026-12) or a quarter (2026-Q4)."), code="notice.bad_period"
        )
    year = int(match.group(1))
    first = int(match.group(2)) if match.group(2) else 3 * int(match.group(3)) - 2
    months = 1 if match.group(2) else 3
    last = first + months
    start = datetime(year, first, 1, tzinfo=BEIJING)
    end = datetime(year + (last > 12), (last - 1) % 12 + 1, 1, tzinfo=BEIJING)
    return start, end, text.strip()


def _downloads(start: datetime, end: datetime) -> Counter[int]:
    rows = db.session.execute(
        select(ReleaseDownload.release_id, func.count())
        .where(ReleaseDownload.created_at >= start, ReleaseDownload.created_at < end)
        .group_by(ReleaseDownload.release_id)
    )
    return Counter(dict(rows.tuples().all()))


def open_data_notice(period: str) -> dict[str, Any]:
    """The notice of ``period`` (see ``parse_period``): one row per (city, department) with
    releases published in the period (withdrawn later or not: they were opened), documents,
    characters, findings by type (from the signed manifests), the worst upper 95 % residual
    bound per 1,000 documents, and downloads in the period of that group's releases; rows by
    city, then department, and the totals."""
    start, end, label = parse_period(period)
    first_day, last_day = start.date(), (end - timedelta(days=1)).date()  # Beijing dates
    # Stored times are UTC (SQLite keeps them without an offset): compare in UTC.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    downloads = _downloads(start, end)
    published = (
        db.session.execute(
            select(Release, Organization)
            .join(Organization, Organization.id == Release.organization_id)
            .where(
                Release.state.in_([ReleaseState.PUBLISHED, ReleaseState.WITHDRAWN]),
                Release.published_at >= start,
                Release.published_at < end,
            )
        )
        .tuples()
        .all()
    )
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for release, organization in published:
        key = (organization.city, organization.department or organization.name)
        row = groups.setdefault(
            key,
            {
                "city": key[0],
                "department": key[1],
                "releases": 0,
                "documents": 0,
                "characters": 0,
                "findings": Counter(),
                "worst_bound_per_1000": 0.0,
                "downloads": 0,
            },
        )
        manifest = release.manifest or {}
        row["releases"] += 1
        row["documents"] += release.document_count
        row["characters"] += release.char_count
        row["findings"].update(manifest.get("findings_by_type", {}))
        bound = float(manifest.get("residual", {}).get("per_1000", 0.0))
        row["worst_bound_per_1000"] = round(max(row["worst_bound_per_1000"], bound), 3)
        row["downloads"] += downloads[release.id]
    rows = [
        dict(groups[key], findings=dict(sorted(groups[key]["findings"].items())))
        for key in sorted(groups)
    ]
    totals = {
        name: sum(r[name] for r in rows)
        for name in ("releases", "documents", "characters", "downloads")
    }
    return {
        "period": label,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "rows": rows,
        "totals": totals,
    }


def notice_csv_rows(notice: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The notice as CSV rows (header first; findings as ``TYPE:count`` joined by ``;``)."""
    rows: list[tuple[Any, ...]] = [COLUMNS]
    for row in notice["rows"]:
        findings = ";".join(f"{k}:{v}" for k, v in row["findings"].items())
        rows.append(
            (
                row["city"],
                row["department"],
                row["releases"],
                row["documents"],
                row["characters"],
                findings,
                row["worst_bound_per_1000"],
                row["downloads"],
            )
        )
    return rows
