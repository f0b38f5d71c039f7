"""Helpers of the browser tests: Debian's Chromium through Playwright, the app served over real
HTTP, logging in, screenshots (to test-artifacts/), and projects made through the API.

A test module takes a fixture from here by binding it to the name its tests ask for, e.g.
``browser = chromium.browser`` or ``base_url = chromium.live_base_url``: pytest registers a
module's fixtures under the names they are bound to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.app.builders import PASSWORD, Api, World
from tests.conftest import S3, make_app, serve_in_thread

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium; the test is skipped where Debian's chromium is missing."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def base_url(app: Any) -> Iterator[str]:
    """The ``app`` fixture (jobs run inline) served over real HTTP."""
    with serve_in_thread(app) as base:
        yield base


@pytest.fixture
def live_app(tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """An app whose jobs go to a real Huey consumer process, as under ``make run``."""
    application = make_app(tmp_path, s3_server, HUEY_IMMEDIATE=False)
    env = dict(
        os.environ,
        DATABASE_URL=application.config["SQLALCHEMY_DATABASE_URI"],
        WANBIAO_SECRET_KEY=application.config["SECRET_KEY"],
        WANBIAO_S3_ENDPOINT=s3_server.endpoint,
        WANBIAO_S3_ACCESS_KEY=s3_server.access_key,
        WANBIAO_S3_SECRET_KEY=s3_server.secret_key,
        WANBIAO_S3_BUCKET=application.config["S3_BUCKET"],
    )
    consumer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "huey.bin.huey_consumer", "app.jobs.huey", "-w", "1"],
        env=env,
        cwd=ROOT,
    )
    yield application
    consumer.terminate()
    consumer.wait(timeout=30)


@pytest.fixture
def live_world(live_app: Any) -> World:
    """The builders, on ``live_app``."""
    return World(live_app)


@pytest.fixture
def live_base_url(live_app: Any) -> Iterator[str]:
    """``live_app`` served over real HTTP."""
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


def press(page: Any, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def press_to_open(page: Any, key: str) -> None:
    """Press a key that opens another page and wait until that page has loaded: a key pressed
    before the page's script runs would otherwise be lost."""
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)


def new_project(
    world: World, kind: str, texts: list[str], labels: list[str], **options: Any
) -> int:
    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, texts)
    options = {"overlap": 1, "instructions": "请认真标注。", **options}
    return _create_project(vendor, corpus, kind, labels, **options)


def _create_project(vendor: Api, corpus: int, kind: str, labels: list[str], **options: Any) -> int:
    response = vendor.post(
        "/api/v1/projects",
        {"name": f"{kind} 项目", "corpus_id": corpus, "type": kind, "labels": labels, **options},
    )
    assert response.status_code == 201, response.json
    project_id: int = response.json["id"]
    return project_id


def live_project(vendor: Api, texts: list[str], kind: str, labels: list[str], overlap: int) -> int:
    """A project of ``vendor`` over a corpus of ``texts`` that the live app's worker ingests
    (waited for)."""
    corpus = vendor.upload("\n\n".join(texts).encode()).json["id"]
    wait_for(
        lambda: vendor.get(f"/api/v1/corpora/{corpus}").json["status"] == "ready", "corpus ready"
    )
    return _create_project(vendor, corpus, kind, labels, overlap=overlap)


def open_workbench(browser: Any, base_url: str, world: World, project: int) -> Any:
    page = log_in(browser, base_url, world.user("expert"))
    page.goto(f"{base_url}/annotate/{project}")
    return page


def stored_results(app: Any) -> list[dict[str, Any]]:
    from app.extensions import db
    from app.models import Annotation

    with app.app_context():
        return list(db.session.scalars(select(Annotation.result).order_by(Annotation.id)))


def gold_scores(app: Any) -> list[float]:
    """The scores of the check answers stored, oldest first."""
    from app.extensions import db
    from app.models import Annotation

    with app.app_context():
        return list(
            db.session.scalars(
                select(Annotation.gold_score)
                .where(Annotation.gold_score.is_not(None))
                .order_by(Annotation.id)
            )
        )


def ready_image_corpus(api: Api, data: bytes, filename: str) -> int:
    """Upload through the API and wait for the worker process to finish the corpus."""
    created = api.upload(data, filename, name="街景")
    assert created.status_code == 201, created.json
    corpus_id: int = created.json["id"]
    deadline = time.monotonic() + 60
    while (status := api.get(f"/api/v1/corpora/{corpus_id}").json["status"]) != "ready":
        assert status != "failed" and time.monotonic() < deadline, status
        time.sleep(0.2)
    return corpus_id


def wait_for(check: Any, what: str, seconds: float = 60) -> Any:
    """Poll ``check`` until it returns something true (the worker process is asynchronous);
    fail with ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value
