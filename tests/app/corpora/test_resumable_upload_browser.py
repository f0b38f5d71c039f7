"""The upload page in Debian's Chromium: several files dropped at once, each with its own
progress bar (another tool's export says which format it was recognised as), and an upload
that loses one part's connection, is left (the tab closed) and goes on later in a new tab
sending only the missing part. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot, wait_for
from tests.conftest import S3, _dispose, make_app

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
base_url = chromium.base_url
PART = 5 * 1024 * 1024


@pytest.fixture
def app(tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """Jobs run inline; uploads are cut into 5 MiB parts, so 11 MB make three."""
    application = make_app(tmp_path, s3_server, UPLOAD_PART_BYTES=PART)
    yield application
    _dispose(application)


def three_parts(path: Path) -> Path:
    body = "各市人民政府、省政府各部门：现将公共数据开放目录印发给你们，请认真贯彻执行。" * 25
    lines = (json.dumps({"text": f"第{i}条。{body}"}, ensure_ascii=False) for i in range(3800))
    path.write_bytes(("\n".join(lines) + "\n").encode())
    assert 2 * PART < path.stat().st_size <= 3 * PART
    return path


DOCCANO = '{"text": "张三在合肥。", "label": [[0, 2, "人名"]]}\n{"text": "李四。", "label": []}\n'


def test_three_dropped_files_become_three_corpora(browser: Any, base_url: str, world: Any) -> None:
    page = log_in(browser, base_url, world.user("vendor", world.org()))
    page.goto(f"{base_url}/corpora/upload")
    files = [
        {"name": "通知.txt", "text": "第一段。\n\n第二段。\n\n第三段。\n"},
        {"name": "条目.jsonl", "text": '{"text": "甲"}\n{"text": "乙"}\n'},
        {"name": "导出.jsonl", "text": DOCCANO},  # another tool's export: pre-annotations
    ]
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const f of files) transfer.items.add(new File([f.text], f.name));
            return transfer;
        }""",
        files,
    )
    page.dispatch_event("#upload-drop", "drop", {"dataTransfer": transfer})
    assert page.locator(".upload-row progress").count() == 3
    assert page.locator(".upload-row").first.inner_text().startswith("通知.txt")
    page.click("#upload-button")
    page.wait_for_selector("#upload-message:has-text('所有文件均已上传')")
    assert page.locator(".upload-row progress[value='100']").count() == 3
    assert "识别为 doccano JSONL" in page.locator(".upload-row").nth(2).inner_text()
    shot(page, "corpora-upload-three-files")
    links = [page.locator(".upload-link").nth(i).get_attribute("href") for i in range(3)]
    counts = []
    for link in links:
        page.goto(f"{base_url}{link}")
        counts.append(page.inner_text("#corpus-items").strip())
    assert counts == ["3", "2", "2"]
    page.goto(f"{base_url}/corpora/")
    listed = page.inner_text("main")
    assert "通知" in listed and "条目" in listed


def held_parts(page: Any) -> list[int]:
    """The parts the server holds of the upload this tab remembers."""
    return list(
        page.evaluate(
            """async () => {
                const key = Object.keys(localStorage).find((k) => k.startsWith('wanbiao-upload:'));
                const {id} = JSON.parse(localStorage.getItem(key));
                const answer = await fetch(`/api/v1/uploads/${id}`);
                return (await answer.json()).parts.map((part) => part.number);
            }"""
        )
    )


def test_an_interrupted_upload_goes_on_in_a_new_tab_with_the_missing_part(
    browser: Any, base_url: str, world: Any, tmp_path: Path
) -> None:
    path = three_parts(tmp_path / "公共数据.jsonl")
    first = log_in(browser, base_url, world.user("vendor", world.org()))
    first.route("**/parts/2", lambda route: route.abort("connectionreset"))  # the network drops
    first.goto(f"{base_url}/corpora/upload")
    first.set_input_files("#corpus-file", str(path))
    first.click("#upload-button")
    first.wait_for_selector(".upload-status:has-text('秒后重试')")
    wait_for(lambda: held_parts(first) == [1, 3], "parts 1 and 3 stored")
    shot(first, "corpora-upload-retrying")
    first.close()  # the tab is closed while part 2 waits for the network

    second = first.context.new_page()
    second.set_default_timeout(60000)
    sent: list[str] = []
    second.on("request", lambda r: sent.append(r.url) if r.method == "PUT" else None)
    second.goto(f"{base_url}/corpora/upload")
    second.set_input_files("#corpus-file", str(path))
    second.click("#upload-button")
    second.wait_for_url(re.compile(r".*/corpora/\d+$"))
    assert second.inner_text("#corpus-items").strip() == "3800"
    assert [url.rsplit("/", 1)[-1] for url in sent] == ["2"]  # parts 1 and 3 were not sent again
