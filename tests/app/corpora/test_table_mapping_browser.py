"""A vendor uploads a GBK CSV and a workbook through the upload page in Debian's Chromium,
maps the columns with the keyboard (text, own id, kept columns; a workbook's sheet) and
sees the items counted once the worker has read them. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.corpora.table_files import workbook

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url

CSV = "序号,句子,来源,备注\n1,合肥发布算力政策。,网站,无\n2,芜湖举办人工智能论坛。,报纸,\n"


def upload(page: Any, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/corpora/upload")
    page.fill("#corpus-name", path.stem)
    page.set_input_files("#corpus-file", str(path))
    page.click("#upload-button")
    page.wait_for_selector("#mapping-form", timeout=60000)


def test_vendor_maps_a_gbk_csv_with_the_keyboard(
    browser: Any, base_url: str, world: Any, live_app: Any, tmp_path: Path
) -> None:
    page = log_in(browser, base_url, world.user("vendor", world.org()))
    path = tmp_path / "句子.csv"
    path.write_bytes(CSV.encode("gbk"))
    upload(page, base_url, path)
    assert "合肥发布算力政策。" in page.inner_text("#mapping-preview")
    assert page.input_value("#mapping-text") == ""  # no column has a conventional name
    page.click("#mapping-button")
    assert "请选择存放文本的列" in page.inner_text("#mapping-message")
    page.focus("#mapping-text")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # 序号 → 句子
    page.select_option("#mapping-id", "序号")
    assert page.input_value("#mapping-text") == "句子"
    assert page.is_disabled("input[name=meta][value=句子]")
    page.uncheck("input[name=meta][value=备注]")
    shot(page, "corpora-table-mapping")
    page.focus("#mapping-button")
    page.keyboard.press("Enter")
    # The page reloads once the mapping is accepted, then follows the ingestion.
    expect(page.locator("#corpus-items")).to_have_text("2", timeout=180000)
    assert page.locator("#mapping-form").count() == 0
    shot(page, "corpora-table-mapped")

    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with live_app.app_context():
        metas = list(db.session.scalars(select(Item.meta).order_by(Item.seq)))
    assert metas == [
        {"source_id": "1", "fields": {"来源": "网站"}},
        {"source_id": "2", "fields": {"来源": "报纸"}},
    ]


def test_vendor_picks_the_sheet_of_a_workbook(
    browser: Any, base_url: str, world: Any, tmp_path: Path
) -> None:
    page = log_in(browser, base_url, world.user("vendor", world.org()))
    path = tmp_path / "工作簿.xlsx"
    path.write_bytes(
        workbook(
            {
                "说明": [["填写说明"], ["第二个工作表是数据"]],
                "数据": [
                    ["编号", "文本"],
                    ["a1", "第一句。"],
                    ["a2", "第二句。"],
                    ["a3", "第三句。"],
                ],
            }
        )
    )
    upload(page, base_url, path)
    page.select_option("#mapping-sheet", "数据")
    page.wait_for_selector("#mapping-preview >> text=第三句。")
    assert page.input_value("#mapping-text") == "文本"  # conventional names are proposed
    assert page.input_value("#mapping-id") == "编号"
    page.click("#mapping-button")
    # The page reloads once the mapping is accepted, then follows the ingestion.
    expect(page.locator("#corpus-items")).to_have_text("3", timeout=180000)
