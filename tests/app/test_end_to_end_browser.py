"""End to end in Debian's Chromium: a vendor uploads, two experts label three items with the
keyboard, an auditor reads Krippendorff's α. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.builders import PASSWORD, World
from tests.conftest import S3, make_app, serve_in_thread

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PARAGRAPHS = ["加快建设合肥先进计算中心，提升智能算力供给能力。",
              "到2025年，全省通用人工智能产业规模达到2000亿元。",
              "各地各部门要加强组织领导，强化政策保障。"]


@pytest.fixture
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield instance
        instance.close()


@pytest.fixture
def live_app(tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """An app whose jobs go to a real Huey consumer process, as under ``make run``."""
    application = make_app(tmp_path, s3_server, HUEY_IMMEDIATE=False)
    env = dict(os.environ, DATABASE_URL=application.config["SQLALCHEMY_DATABASE_URI"],
               WANBIAO_SECRET_KEY=application.config["SECRET_KEY"],
               WANBIAO_S3_ENDPOINT=s3_server.endpoint, WANBIAO_S3_ACCESS_KEY=s3_server.access_key,
               WANBIAO_S3_SECRET_KEY=s3_server.secret_key,
               WANBIAO_S3_BUCKET=application.config["S3_BUCKET"])
    consumer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "huey.bin.huey_consumer", "app.jobs.huey", "-w", "1"],
        env=env, cwd=Path(__file__).resolve().parents[2])
    yield application
    consumer.terminate()
    consumer.wait(timeout=30)


@pytest.fixture
def world(live_app: Any) -> World:
    return World(live_app)


@pytest.fixture
def base_url(live_app: Any) -> Iterator[str]:
    with serve_in_thread(live_app) as base:
        yield base


def log_in(browser: Any, base_url: str, email: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    page.set_default_timeout(60000)  # a loaded CI machine can be slow; never a race
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def vendor_creates_project(page: Any, base_url: str, tmp_path: Path) -> str:
    corpus_file = tmp_path / "行动计划.txt"
    corpus_file.write_text("\n\n".join(PARAGRAPHS), encoding="utf-8")
    page.goto(f"{base_url}/corpora/upload")
    page.fill("#corpus-name", "行动计划")
    page.set_input_files("#corpus-file", str(corpus_file))
    shot(page, "01-upload")
    page.click("#upload-button")
    page.wait_for_url("**/corpora/*")
    # The worker process splits the file; the page polls and reloads when it is ready.
    page.wait_for_selector("a[href*='/projects/new']", timeout=60000)
    assert page.inner_text("#corpus-items").strip() == "3"
    shot(page, "02-corpus")
    page.click("a[href*='/projects/new']")
    page.fill("input[name=name]", "段落分类")
    page.fill("textarea[name=labels]", "算力\n产业\n保障")
    page.fill("input[name=overlap]", "2")
    page.click("form button.primary")
    page.wait_for_selector("#alpha")
    shot(page, "03-project")
    return page.url


def expert_labels_everything(page: Any, keys: list[str], name: str) -> None:
    from playwright.sync_api import expect

    page.click(".project-link")
    page.wait_for_url("**/annotate/*")
    item = page.locator("#item-text")
    for number, key in enumerate(keys, start=1):
        expect(item).to_contain_text("。")
        text_before = item.inner_text()
        page.keyboard.press(key)
        expect(page.locator(f".label-button[data-key='{key}']")).to_have_attribute(
            "aria-checked", "true")
        if number == 1:
            shot(page, f"04-{name}-workbench")
        page.keyboard.press("Enter")
        expect(page.locator("#done-count")).to_have_text(str(number))
        if number < len(keys):
            expect(item).not_to_have_text(text_before)
    expect(page.locator("#wb-message")).to_be_visible()
    shot(page, f"05-{name}-done")


def test_upload_label_and_audit_in_the_browser(world: World, browser: Any,
                                              base_url: str, tmp_path: Path) -> None:
    vendor_page = log_in(browser, base_url, world.user("vendor", world.org()))
    project_url = vendor_creates_project(vendor_page, base_url, tmp_path)
    expert_labels_everything(log_in(browser, base_url, world.user("expert")),
                             ["1", "2", "3"], "expert1")
    expert_labels_everything(log_in(browser, base_url, world.user("expert")),
                             ["1", "2", "3"], "expert2")
    auditor = log_in(browser, base_url, world.user("auditor"))
    shot(auditor, "06-auditor-home")
    auditor.goto(project_url)
    from playwright.sync_api import expect

    expect(auditor.locator("#items-complete")).to_have_text("3 / 3")
    # The worker computes the report; the page reloads itself when it lands.
    expect(auditor.locator("#alpha")).to_have_text("1.000", timeout=30000)
    shot(auditor, "07-auditor-project")
    auditor.goto(project_url + "/quality")
    expect(auditor.locator("#report-alpha")).to_have_text("1.000")
    shot(auditor, "08-quality-report")
