"""A vendor maps a CSV's label column in the mapping step in Debian's Chromium: the label
column is left out of the kept columns, a multi-label cell is split on the separator typed,
and the corpus page shows the pre-annotations once the worker has read the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.corpora.test_table_mapping_browser import upload

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url

CSV = "内容,类别,来源\n合肥发布算力政策。,政策;民生,网站\n芜湖举办论坛。,,报纸\n"


def test_vendor_maps_a_label_column_with_a_separator(
    browser: Any, base_url: str, world: Any, live_app: Any, tmp_path: Path
) -> None:
    page = log_in(browser, base_url, world.user("vendor", world.org()))
    path = tmp_path / "分类.csv"
    path.write_bytes(CSV.encode())
    upload(page, base_url, path)
    assert "标签列（预标注）" in page.inner_text("#mapping-form")
    assert page.input_value("#mapping-text") == "内容"
    page.select_option("#mapping-label", "类别")
    assert page.is_disabled("input[name=meta][value=类别]")
    page.fill("#mapping-label-separator", ";")
    shot(page, "corpora-table-label-mapping")
    page.click("#mapping-button")
    expect(page.locator("#corpus-items")).to_have_text("2", timeout=180000)
    expect(page.locator("#corpus-preannotations")).to_contain_text("1 条已有预标注")
    shot(page, "corpora-table-label-mapped")

    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with live_app.app_context():
        rows = list(db.session.execute(select(Item.meta, Item.preannotation).order_by(Item.seq)))
    assert [tuple(row) for row in rows] == [
        ({"fields": {"来源": "网站"}}, {"labels": ["政策", "民生"]}),
        ({"fields": {"来源": "报纸"}}, None),
    ]
