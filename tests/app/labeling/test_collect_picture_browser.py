"""Picture collection in Chromium: the expert picks a PNG (and drops another), sees the upload's
progress and a preview, submits with Enter, and each picture waits for the vendor's review,
then is counted in the vendor's image corpus once accepted."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World
from tests.app.corpora.image_files import png, upload
from tests.app.review.collected import accept_all, contribution_ids

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url

DROP = """([name, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: 'image/png' }));
  const zone = document.getElementById('collect-drop');
  const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
  zone.dispatchEvent(new DragEvent('dragover', init));
  zone.dispatchEvent(new DragEvent('drop', init));
}"""


def test_expert_uploads_pictures_and_sees_them_counted(
    app: Any, world: World, browser: Any, base_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    vendor = world.vendor_api()
    corpus = upload(vendor, png(40, 30, "green"), "seed.png")["id"]
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "街景征集",
            "corpus_id": corpus,
            "type": "collect",
            "overlap": 1,
            "prompt": "请拍一张你所在街道的照片。",
            "contributions": 3,
        },
    ).json["id"]
    picture = tmp_path / "街道.png"
    picture.write_bytes(png(640, 400, "orange"))
    page = log_in(browser, base_url, world.user("expert"))
    page.goto(f"{base_url}/annotate/{project}")
    expect(page.locator("#collect-prompt")).to_contain_text("街道的照片")
    expect(page.locator("#submit-button")).to_be_disabled()
    page.keyboard.press("?")
    expect(page.locator("#wb-shortcuts")).to_contain_text("选择要上传的图片")
    page.keyboard.press("?")

    page.set_input_files("#collect-file", str(picture))
    expect(page.locator("#collect-percent")).to_have_text("100%")
    expect(page.locator("#collect-caption")).to_contain_text("640 × 400")
    expect(page.locator("#collect-image")).to_be_visible()
    shot(page, "41-collect-picture-uploaded")
    page.keyboard.press("Enter")
    expect(page.locator("#done-count")).to_have_text("1")
    # The next slot is claimed after the count moves; a drop before it arrives would be
    # cleared by the new slot, as for a person who drops while the page is still loading.
    expect(page.locator("#workbench")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#collect-preview")).to_be_hidden()
    assert len(contribution_ids(vendor, project)) == 1

    page.evaluate(DROP, ["dropped.png", base64.b64encode(png(50, 60, "navy")).decode()])
    expect(page.locator("#collect-caption")).to_contain_text("50 × 60")
    page.click("#submit-button")
    expect(page.locator("#done-count")).to_have_text("2")
    expect(page.locator("#workbench")).to_have_attribute("aria-busy", "false")
    assert len(contribution_ids(vendor, project)) == 2

    page.evaluate(DROP, ["fake.png", base64.b64encode(b"GIF89a not a png").decode()])
    expect(page.locator("#wb-message")).to_contain_text("PNG 或 JPEG")
    expect(page.locator("#submit-button")).to_be_disabled()
    shot(page, "42-collect-picture-refused")
    assert len(contribution_ids(vendor, project)) == 2
    accept_all(vendor, project)
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 3
