"""In Debian's Chromium: a vendor creates an expert pool on the pools page, adds an expert,
invites the pool on an invitation-only project's page; the expert then gets the project's
items, and loses them when the vendor takes them out of the pool (issue 14). Screenshots go
to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url


def test_a_vendor_invites_a_pool_in_the_browser(browser: Any, base_url: str, world: World) -> None:
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    created = vendor.post(
        "/api/v1/projects",
        {
            "name": "公文项目",
            "corpus_id": world.ready_corpus(vendor, ["机密公文一。"]),
            "type": "classify",
            "labels": ["是", "否"],
            "overlap": 1,
            "invitation_only": True,
        },
    )
    project = created.json["id"]
    expert_email = world.user("expert")
    expert = world.api(expert_email)
    page = log_in(browser, base_url, vendor_email)
    page.click("nav.mainnav >> text=专家池")
    page.fill("#new-pool-form input[name=name]", "公文审核专家")
    page.click("#new-pool-form button[type=submit]")
    page.wait_for_selector("h1:has-text('公文审核专家')")
    page.fill("#add-member-form input[name=email]", expert_email)
    page.click("#add-member-form button[type=submit]")
    page.wait_for_selector(f"#member-list >> text={expert_email}")
    shot(page, "pools-01-pool")
    assert expert.post(f"/api/v1/projects/{project}/claim").status_code == 404
    page.goto(f"{base_url}/projects/{project}")
    page.select_option("#invite-pool-form select[name=pool_id]", label="公文审核专家")
    page.click("#invite-pool-form button[type=submit]")
    page.wait_for_selector("#invited-pools >> text=公文审核专家")
    shot(page, "pools-02-project")
    claim = expert.post(f"/api/v1/projects/{project}/claim")
    assert claim.status_code == 200 and "机密公文一" in str(claim.json["item"])
    page.click("#invited-pools a")
    page.click(f"#member-list button[aria-label*='{expert_email}']")
    page.wait_for_selector("#member-list .empty")
    answer = {"result": {"label": "是"}, "client_uuid": "0d9f6a52-6f7e-4c39-9a51-5c1f2d1e8a01"}
    late = expert.post(f"/api/v1/tasks/{claim.json['task_id']}/annotations", answer)
    assert late.status_code == 409
    assert expert.post(f"/api/v1/projects/{project}/claim").status_code == 404
    page.click("nav.mainnav >> text=专家池")
    assert page.inner_text("#pool-table tr[data-pool] td:nth-child(2)") == "0"
