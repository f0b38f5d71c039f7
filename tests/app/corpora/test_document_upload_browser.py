"""A vendor uploads documents through the upload page in Debian's Chromium, as users do.

The real Huey consumer reads them; the corpus page reloads when they are done, showing one
item per document, or, for a refused archive, each bad member with its reason in Chinese.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.corpora.document_files import (
    docx_bytes,
    image_only_pdf,
    ofd_bytes,
    pdf_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
NOTICE = [
    "关于开放公共数据的通知",
    "各市人民政府：现将公共数据开放目录印发给你们，请认真贯彻执行。",
]


def upload_through_the_page(page: Any, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/corpora/upload")
    page.fill("#corpus-name", path.stem)
    page.set_input_files("#corpus-file", str(path))
    page.click("#upload-button")
    page.wait_for_url("**/corpora/*")
    # The page polls while the worker reads the file and reloads when it is done. The first
    # upload also waits for the consumer process to import the app: minutes on a busy CI box.
    page.wait_for_selector("#ingest-progress[hidden]", state="attached", timeout=180000)


def test_vendor_uploads_word_pdf_ofd_and_gbk_text_in_the_browser(
    browser: Any, base_url: str, world: Any, tmp_path: Path
) -> None:
    page = log_in(browser, base_url, world.user("vendor", world.org()))
    files = {
        "通知.docx": docx_bytes(NOTICE),
        "通知.pdf": pdf_bytes([NOTICE]),
        "通知.ofd": ofd_bytes([NOTICE]),
        "通知.txt": "\n\n".join(NOTICE).encode("gbk"),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        upload_through_the_page(page, base_url, path)
        expected = "2" if name.endswith(".txt") else "1"  # text: one item per paragraph
        assert page.inner_text("#corpus-items").strip() == expected, name
        assert page.locator("#corpus-errors").count() == 0
    shot(page, "corpora-documents-ready")


def test_a_refused_member_is_named_on_the_corpus_page(
    browser: Any, base_url: str, world: Any, tmp_path: Path
) -> None:
    page = log_in(browser, base_url, world.user("vendor", world.org()))
    path = tmp_path / "批量公文.zip"
    path.write_bytes(
        zip_bytes({"通知.docx": docx_bytes(NOTICE), "扫描件/第3页.pdf": image_only_pdf()})
    )
    upload_through_the_page(page, base_url, path)
    errors = page.inner_text("#corpus-errors")
    assert "扫描件/第3页.pdf" in errors and "OCR" in errors
    assert page.inner_text("#corpus-items").strip() == "0"
    shot(page, "corpora-documents-refused")
