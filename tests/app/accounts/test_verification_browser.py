"""In Debian's Chromium: an expert registers, is told they see nothing until verified,
uploads a certificate; an auditor approves the domain on the applications page; the expert's
workbench then serves items, and says so when claims come faster than a person reads
(issue 14). Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, new_project, shot
from tests.app.builders import PASSWORD, World

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _register(browser: Any, base_url: str, email: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    page.set_default_timeout(60000)
    page.goto(f"{base_url}/register")
    page.fill("input[name=name]", "张医生")
    page.fill("input[name=email]", email)
    page.fill("input[name=mobile]", "13800001111")
    page.check("input[name=domains][value=医疗]")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url("**/account/verification")
    return page


def test_an_applicant_is_verified_in_the_browser_before_seeing_items(
    browser: Any, base_url: str, world: World, tmp_path: Path
) -> None:
    project = new_project(world, "classify", ["甲患者病历。", "乙患者病历。"], ["是", "否"])
    page = _register(browser, base_url, "zhang@example.cn")
    assert "等待验证" in page.inner_text("#verification-state")
    certificate = tmp_path / "执业证书.pdf"
    certificate.write_bytes(PDF)
    page.select_option("select[name=kind]", "certificate")
    page.set_input_files("input[name=file]", str(certificate))
    page.click("#evidence-form button.primary")
    page.wait_for_selector("text=执业证书.pdf")
    shot(page, "verification-01-applicant")
    page.goto(f"{base_url}/annotate/{project}")
    assert "验证" in page.inner_text("main")
    auditor = log_in(browser, base_url, world.user("auditor"))
    auditor.goto(f"{base_url}/admin/experts")
    row = auditor.locator("tr[data-domain=医疗]")
    row.locator("input[name=reason]").fill("执业证书核验无误")
    shot(auditor, "verification-02-bureau")
    row.locator("button[value=approve]").click()
    auditor.wait_for_selector("#no-applicants")
    page.goto(f"{base_url}/annotate/{project}")
    page.wait_for_function(
        "() => document.querySelector('#item-text').textContent.includes('患者病历')"
    )
    shot(page, "verification-03-workbench")


def test_the_workbench_says_when_claims_come_too_fast(
    app: Any, browser: Any, base_url: str, world: World
) -> None:
    limit = app.config["CLAIMS_PER_MINUTE"]
    project = new_project(world, "classify", [f"第{i}段。" for i in range(limit + 5)], ["是", "否"])
    email = world.user("expert")
    script = world.api(email)
    for _ in range(limit):
        claim = script.post(f"/api/v1/projects/{project}/claim").json
        script.post(f"/api/v1/tasks/{claim['task_id']}/skip", {"reason": "unclear"})
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/annotate/{project}")
    page.wait_for_selector("#wb-message.flash-error")
    assert "秒" in page.inner_text("#wb-message")
    shot(page, "verification-04-throttled")
