"""The public catalog in Debian's Chromium, as an AI company's staff see it once a release
is published: its card in Chinese with publisher, department, city, licence, counts and
files, and a Download button per file; a click downloads the file through its presigned
link (the app's own file route, streamed from the object store) and its bytes match the
signed manifest.  Screenshot in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.app.browser import browser, log_in, shot
from tests.app.releases.release_world import ReleaseWorld
from tests.conftest import serve_in_thread

pytestmark = pytest.mark.browser
__all__ = ["browser"]


def _published(releases: ReleaseWorld) -> int:
    release_id = releases.published(
        approver=releases.second_auditor, description="合肥市政府2025年公开的公文，已去标识化。"
    )
    assert releases.state(release_id) == "published"
    return release_id


def test_an_ai_company_sees_a_published_release_in_the_catalog(
    releases: ReleaseWorld, browser: Any
) -> None:
    from playwright.sync_api import expect

    release_id = _published(releases)
    enterprise = releases.world.user("enterprise", _enterprise_org(releases))
    with serve_in_thread(releases.world.app) as base_url:
        page = log_in(browser, base_url, enterprise)
        page.goto(f"{base_url}/releases/catalog")
        card = page.locator(f"#release-{release_id}")
        expect(card.locator("h2")).to_have_text("合肥市政府公文 2025")
        expect(card).to_contain_text("合肥市档案馆 · 档案局 · 合肥")
        expect(card).to_contain_text("CC BY 4.0")
        expect(card).to_contain_text("已去标识化")
        expect(card.locator("tbody tr")).to_have_count(2)  # JSONL and CSV (texts/ by manifest)
        expect(card.get_by_role("button", name="下载")).to_have_count(2)
        shot(page, "release-catalog")


def _enterprise_org(releases: ReleaseWorld) -> int:
    from app.models import User

    with releases.world.app.app_context():
        user = db.session.scalars(select(User).where(User.role == "enterprise")).first()
        assert user is not None and user.organization_id is not None
        return user.organization_id


def test_an_ai_company_downloads_a_file_whose_bytes_match_the_manifest(
    releases: ReleaseWorld, browser: Any
) -> None:
    import hashlib

    from app.models import ReleaseDownload

    release_id = _published(releases)
    signed = releases.world.app.test_client().get(f"/api/v1/releases/{release_id}/manifest").json
    listed = {f["path"]: f for f in signed["manifest"]["files"]}
    enterprise = releases.world.user("enterprise", _enterprise_org(releases))
    with serve_in_thread(releases.world.app) as base_url:
        page = log_in(browser, base_url, enterprise)
        page.goto(f"{base_url}/releases/catalog")
        row = page.locator(f"#release-{release_id} tbody tr", has_text="documents.jsonl")
        with page.expect_download() as started:
            row.get_by_role("button", name="下载").click()
        download = started.value
        data = open(download.path(), "rb").read()  # noqa: SIM115
    assert download.suggested_filename == f"release-{release_id}-documents.jsonl"
    assert len(data) == listed["documents.jsonl"]["size"] > 0
    assert hashlib.sha256(data).hexdigest() == listed["documents.jsonl"]["sha256"]
    assert "合肥" in data.decode("utf-8")
    with releases.world.app.app_context():
        logged = db.session.scalars(select(ReleaseDownload)).all()
        assert [(d.release_id, d.path) for d in logged] == [(release_id, "documents.jsonl")]
