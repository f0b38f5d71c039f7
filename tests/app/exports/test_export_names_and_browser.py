"""Who appears under which name in an export, and the format chosen on the project page in
Debian's Chromium, downloaded and opened as the user would."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World
from tests.app.exports.export_world import answer_in_turn, exported, text_project

browser = chromium.browser
base_url = chromium.base_url
TEXTS = ["服务很好。", "等了很久。"]
PLANS = {
    "陈老师": [{"label": "正面"}, {"label": "负面"}],
    "林老师": [{"label": "正面"}, {"label": "负面"}],
}


def experts_in_csv(response: Any) -> set[str]:
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return {row[f"expert_{n}"] for row in rows for n in (1, 2)}


def test_names_for_the_vendor_and_auditors_pseudonyms_for_others(world: World) -> None:
    """The owning vendor, auditors and admins see names (as on the report and review pages);
    an export requested by anyone else carries stable pseudonyms."""
    vendor = world.vendor_api()
    project = text_project(world, vendor, "classify", TEXTS, ["正面", "负面"])
    answer_in_turn(world, project, PLANS)
    assert experts_in_csv(exported(vendor, project, "csv")) == {"陈老师", "林老师"}
    lines = [json.loads(line) for line in exported(vendor, project, None).data.splitlines()]
    assert {a["expert"] for line in lines for a in line["answers"]} == {"陈老师", "林老师"}
    auditor = world.api(world.user("auditor"))
    assert experts_in_csv(exported(auditor, project, "csv")) == {"陈老师", "林老师"}
    hidden = pseudonymous_export(world, project)
    assert len(hidden) == 2 and all(re.fullmatch(r"专家-[0-9a-f]{8}", n) for n in hidden)
    assert pseudonymous_export(world, project) == hidden  # the same in every export
    other = text_project(world, vendor, "classify", TEXTS, ["正面", "负面"])
    answer_in_turn(world, other, PLANS)
    assert pseudonymous_export(world, other).isdisjoint(hidden)  # not linkable across


def pseudonymous_export(world: World, project: int) -> set[str]:
    """An export requested by a user who may not see names (a publisher of another
    organization: no page lets them ask, so the job is run as the queue would)."""
    from app.accounts.organizations import create_organization
    from app.exports.services import run_export
    from app.extensions import db
    from app.models import Export, Project, User
    from app.storage import object_store
    from tests.app.builders import valid_uscc

    with world.app.app_context():
        org = create_organization(
            "出版单位", valid_uscc(uuid.uuid4().int % 10**10), "合肥", None, "publisher"
        ).id
    email = world.user("publisher", org)
    with world.app.app_context():
        owner = db.session.get(Project, project)
        user = db.session.query(User).filter_by(email=email).one()
        export = Export(
            project_id=project,
            organization_id=owner.organization_id,
            requested_by_id=user.id,
            format="csv",
        )
        db.session.add(export)
        db.session.commit()
        run_export(export.id, object_store())
        data = b"".join(object_store().iter_chunks(db.session.get(Export, export.id).object_key))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return {row[f"expert_{n}"] for row in rows for n in (1, 2)}


@pytest.mark.browser
def test_choose_a_format_on_the_project_page_and_download(
    browser: Any, base_url: str, world: World
) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = text_project(world, vendor, "classify", TEXTS, ["正面", "负面"])
    order = answer_in_turn(world, project, PLANS)
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/projects/{project}")
    options = page.locator("#export-format option")
    assert options.evaluate_all("els => els.map(e => e.value)") == [
        "jsonl",
        "csv",
        "xlsx",
        "label_studio",
    ]
    assert "Excel" in options.nth(2).inner_text()
    page.select_option("#export-format", "xlsx")
    shot(page, "exports-format-choice")
    page.click("#export-button")
    page.wait_for_selector("#export-download")
    assert "Excel" in page.inner_text("#export-format-name")
    with page.expect_download() as download_info:
        page.click("#export-download")
    download = download_info.value
    assert download.suggested_filename.endswith("-xlsx.xlsx")
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("item_id", "text", "final_label", "expert_1")
    assert [row[:3] for row in rows[1:]] == [
        (order[0], TEXTS[0], "正面"),
        (order[1], TEXTS[1], "负面"),
    ]
    assert {rows[1][3], rows[1][5]} == {"陈老师", "林老师"}
