"""The administrator's pages: organizations with a checked credit code, vendor staff, and the
audit trail that auditors read."""

from __future__ import annotations

import re
from typing import Any

from tests.app.builders import World, login, valid_uscc


def test_admin_creates_organization_with_checked_credit_code(app: Any, world: World) -> None:
    client = app.test_client()
    login(client, world.user("admin"))
    code = valid_uscc(424242)
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    refused = client.post(
        "/admin/organizations", data={"name": "坏码公司", "uscc": broken, "city": "合肥"}
    )
    assert refused.status_code == 422 and "统一社会信用代码" in refused.text
    created = client.post(
        "/admin/organizations", data={"name": "好码公司", "uscc": code, "city": "宿州"}
    )
    assert created.status_code == 302
    listing = client.get("/admin/organizations").text
    assert "好码公司" in listing and "坏码公司" not in listing


def test_admin_adds_vendor_staff_who_can_log_in(app: Any, world: World) -> None:
    org = world.org("新公司")
    client = app.test_client()
    login(client, world.user("admin"))
    page = client.post(
        "/admin/users", data={"name": "王五", "email": "wang@new.cn", "organization_id": org}
    )
    password = re.search(r"<code>([^<]+)</code>", page.text)
    assert page.status_code == 200 and password is not None
    staff = app.test_client()
    assert login(staff, "wang@new.cn", password.group(1)).status_code == 302
    assert 'data-home="corpora"' in staff.get("/").text


def test_audit_trail_lists_logins_for_auditors_only(app: Any, world: World) -> None:
    expert = world.user("expert")
    login(app.test_client(), expert, "wrong-password-x")
    login(app.test_client(), expert)
    auditor = app.test_client()
    login(auditor, world.user("auditor"))
    page = auditor.get("/admin/audit")
    assert page.status_code == 200 and expert in page.text
    assert auditor.get("/admin/audit?action=user__password").status_code == 400
    other = app.test_client()
    login(other, expert)
    assert other.get("/admin/audit").status_code == 403
