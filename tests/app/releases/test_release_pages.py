"""Release pages: the list and actions for builders, the review screen for the bureau, the
public catalog with logged downloads for AI companies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import ReleaseDownload
from tests.app.builders import login
from tests.app.releases.release_world import DOCUMENTS, ReleaseWorld

HOSTILE = '"><img src=x onerror=alert(1)>王小明'


def client_of(releases: ReleaseWorld, email: str) -> Any:
    client = releases.world.app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_publisher_starts_the_analysis_from_the_release_page(releases: ReleaseWorld) -> None:
    release_id = releases.create()["id"]
    client = client_of(releases, releases.publisher_email)
    assert "合肥市政府公文 2025" in client.get("/releases/").get_data(as_text=True)
    page = client.get(f"/releases/{release_id}").get_data(as_text=True)
    assert 'id="release-analyse"' in page and 'id="release-approve"' not in page
    done = client.post(f"/releases/{release_id}/analyse")
    assert done.status_code == 302 and releases.state(release_id) == "in_review"
    assert client.get("/").status_code == 200


def test_review_screen_shows_findings_escaped_and_the_bound(releases: ReleaseWorld) -> None:
    release_id = releases.analysed([*DOCUMENTS[:2], HOSTILE])
    auditor = releases.world.user("auditor")
    client = client_of(releases, auditor)
    page = client.get(f"/releases/{release_id}/review").get_data(as_text=True)
    assert 'id="release-review"' in page and 'class="span-mark"' in page
    assert 'data-decision="accept"' in page and "release-review.js" in page
    summary = page.split('id="review-summary">', 1)[1].split("</span>", 1)[0]
    assert "3 份中已审核 0 份" in summary  # the sample size and progress, in Chinese
    assert "10.0" in summary  # the policy's bound, per 1,000 documents
    for _ in range(3):  # save every sampled document through the API, as the page does
        releases.review_all(release_id)
    hostile = client.get(f"/releases/{release_id}/review?document=3").get_data(as_text=True)
    assert "<img src=x" not in hostile and "&lt;img src=x onerror=alert(1)&gt;" in hostile
    done = client.get(f"/releases/{release_id}/review").get_data(as_text=True)
    assert 'id="review-done"' in done
    overview = client.get(f"/releases/{release_id}").get_data(as_text=True)
    assert 'id="release-summary"' in overview and "95% 置信上界" in overview
    assert 'id="release-approve"' in overview
    publisher = client_of(releases, releases.publisher_email)
    assert publisher.get(f"/releases/{release_id}/review").status_code == 403


def test_catalog_page_is_public_and_downloads_are_logged(releases: ReleaseWorld) -> None:
    release_id = releases.published()
    anonymous = releases.world.app.test_client().get("/releases/catalog").get_data(as_text=True)
    assert "合肥市档案馆" in anonymous and "档案局" in anonymous and "documents.jsonl" in anonymous
    assert 'name="file"' not in anonymous
    published = releases.publisher.get(f"/api/v1/releases/{release_id}").get_json()["published_at"]
    beijing = datetime.fromisoformat(published).astimezone(timezone(timedelta(hours=8)))
    assert f"<dd>{beijing:%Y-%m-%d %H:%M}</dd>" in anonymous  # Beijing time, as every page
    email = releases.world.user("enterprise", _enterprise_org(releases))
    client = client_of(releases, email)
    page = client.get("/releases/catalog").get_data(as_text=True)
    assert 'name="file" value="documents.jsonl"' in page
    assert client.get("/").status_code == 200
    response = client.post(f"/releases/{release_id}/download", data={"file": "documents.csv"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("http://localhost/api/v1/release-files/")
    with releases.world.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseDownload)) == 1


def _enterprise_org(releases: ReleaseWorld) -> int:
    from tests.app.releases.release_world import organization

    return organization(releases.world, "enterprise", "某人工智能公司")
