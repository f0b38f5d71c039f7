"""The audit log filtered by actor, action and dates, and downloaded as CSV, on the page and
through the API (issue 13)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.app.builders import World, login


def _rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_audit_log_filters_and_csv(app: Any, world: World) -> None:
    auditor_email = world.user("auditor")
    auditor = world.api(auditor_email)
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    world.ready_corpus(vendor, ["第一段。"])
    world.ready_corpus(vendor, ['=HYPERLINK("x") 第二段。'])
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the log's dates are Beijing dates
    uploads = auditor.get(f"/api/v1/audit?actor={vendor_email}&action=corpus_uploaded").json
    assert [e["action"] for e in uploads["events"]] == ["corpus_uploaded"] * 2
    assert all(e["actor"] == vendor_email for e in uploads["events"])
    tomorrow = (today + timedelta(days=2)).isoformat()
    assert auditor.get(f"/api/v1/audit?from={tomorrow}").json["events"] == []
    response = auditor.get(f"/api/v1/audit.csv?actor={vendor_email.upper()}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _rows(response.get_data(as_text=True))
    assert {r["action"] for r in rows} >= {"corpus_uploaded", "token_issued"}
    assert all(r["actor"] == vendor_email for r in rows)
    for query in ("from=2026-13-01", "action=nope", "from=2026-05-02&to=2026-05-01", "x=1"):
        bad = auditor.get(f"/api/v1/audit.csv?{query}")
        assert bad.status_code == 400 and bad.json["error"]["message"]
    assert vendor.get("/api/v1/audit.csv").status_code == 403
    browser = app.test_client()
    login(browser, auditor_email)
    page = browser.get(f"/admin/audit?actor={vendor_email}&lang=zh_CN").text
    assert 'id="audit-csv"' in page and "下载 CSV" in page
    table = page.split('id="audit-table"')[1]
    assert vendor_email in table and auditor_email not in table
    body = browser.get(f"/admin/audit.csv?action=corpus_uploaded&to={today}").text
    assert len(_rows(body)) == 2
    assert browser.get("/admin/audit?from=yesterday").status_code == 400
