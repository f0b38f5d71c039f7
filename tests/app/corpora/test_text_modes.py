"""Plain text split by paragraph (the default) or by line (issue 13, "Data in"): through the
API upload, the resumable upload the browser uses, and the upload page in Chromium."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import Api, World
from tests.app.corpora.test_resumable_upload import put_part, start
from tests.app.corpora.test_upload import corpus_count, stored_objects

browser = chromium.browser
base_url = chromium.base_url

LIST = "合肥市\n芜湖市\n\n蚌埠市\n  淮南市  \n合肥市\n"


def upload(api: Api, content: bytes, mode: str | None, filename: str = "城市.txt") -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(content), filename), "name": "城市"}
    if mode is not None:
        data["text_mode"] = mode
    return api.client.post(
        "/api/v1/corpora", data=data, headers=api._headers(), content_type="multipart/form-data"
    )


def texts(api: Api, corpus: int) -> list[str]:
    return [item["text"] for item in api.get(f"/api/v1/corpora/{corpus}/items").json["items"]]


def test_line_mode_makes_an_item_of_every_line(world: World) -> None:
    vendor = world.vendor_api()
    created = upload(vendor, LIST.encode(), "line")
    assert created.status_code == 201, created.json
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert (corpus["status"], corpus["text_mode"], corpus["mapping"]) == ("ready", "line", None)
    assert (corpus["item_count"], corpus["duplicate_count"]) == (4, 1)
    assert sorted(texts(vendor, corpus["id"])) == sorted(["合肥市", "芜湖市", "蚌埠市", "淮南市"])


def test_paragraph_mode_stays_the_default(world: World) -> None:
    vendor = world.vendor_api()
    for mode in (None, "", "paragraph"):
        created = upload(vendor, LIST.encode(), mode, filename=f"城市{mode}.txt")
        corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
        assert corpus["text_mode"] == "paragraph"
        assert sorted(texts(vendor, corpus["id"])) == ["合肥市\n芜湖市", "蚌埠市\n淮南市\n合肥市"]


def test_line_mode_reads_gbk_too(world: World) -> None:
    vendor = world.vendor_api()
    created = upload(vendor, "第一行，安徽。\n第二行，合肥。\n".encode("gbk"), "line")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert corpus["item_count"] == 2
    assert sorted(texts(vendor, corpus["id"])) == ["第一行，安徽。", "第二行，合肥。"]


def test_other_formats_ignore_the_text_mode(world: World) -> None:
    vendor = world.vendor_api()
    created = upload(vendor, '{"text": "甲\\n乙"}\n'.encode(), "line", filename="a.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert (corpus["item_count"], corpus["text_mode"]) == (1, None)


def test_an_unknown_mode_is_refused_in_chinese_and_stores_nothing(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    before = (corpus_count(app), stored_objects(app))
    refused = upload(vendor, LIST.encode(), "sentence")
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "text_mode"
    assert "按段落或按行" in refused.json["error"]["message"]
    assert (corpus_count(app), stored_objects(app)) == before


def test_a_resumable_upload_takes_the_mode_on_completion(world: World) -> None:
    vendor = world.vendor_api()
    data = LIST.encode()
    begun = start(vendor, data, filename="城市.txt").json
    assert put_part(vendor, begun, data, 1).status_code == 200
    refused = vendor.post(f"/api/v1/uploads/{begun['id']}/complete", {"text_mode": 3})
    assert (refused.status_code, refused.json["error"]["code"]) == (422, "text_mode")
    done = vendor.post(f"/api/v1/uploads/{begun['id']}/complete", {"text_mode": "line"})
    assert done.status_code == 201, done.json
    assert (done.json["text_mode"], done.json["item_count"]) == ("line", 4)


@pytest.mark.browser
def test_the_upload_page_splits_by_line_when_asked(
    browser: Any, base_url: str, world: World
) -> None:
    page = log_in(browser, base_url, world.user("vendor", world.org()))
    page.goto(f"{base_url}/corpora/upload")
    assert page.is_checked("#text-mode input[value='paragraph']")
    page.check("#text-mode input[value='line']")
    shot(page, "corpora-upload-text-mode")
    page.set_input_files(
        "#corpus-file",
        files=[{"name": "城市.txt", "mimeType": "text/plain", "buffer": LIST.encode()}],
    )
    page.click("#upload-button")
    page.wait_for_url(re.compile(r"/corpora/\d+$"))  # a single file opens its corpus page
    assert page.inner_text("#corpus-items").strip() == "4"
    assert page.inner_text("#corpus-text-mode").strip() == "每行一条"
    shot(page, "corpora-text-line-mode")
