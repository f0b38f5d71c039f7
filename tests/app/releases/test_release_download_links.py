"""Issue 13 for releases: a presigned download link named the internal S3 server
(127.0.0.1:<port>), dead for every AI company on another computer.  A link now names this
app's file route on the address the user reached, carries a token the app signed, streams
the file through the app, and stops working when it expires or the release is withdrawn."""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest

from tests.app.builders import PASSWORD
from tests.app.releases.release_world import ReleaseWorld

REMOTE = "http://wanbiao.example.cn:8080"  # the app as a computer elsewhere reaches it


def listed(releases: ReleaseWorld, release_id: int) -> dict[str, dict[str, object]]:
    signed = releases.world.app.test_client().get(f"/api/v1/releases/{release_id}/manifest")
    return {f["path"]: f for f in signed.json["manifest"]["files"]}


def link(releases: ReleaseWorld, release_id: int, path: str = "documents.jsonl") -> str:
    response = releases.enterprise.post(f"/api/v1/releases/{release_id}/downloads", {"file": path})
    assert response.status_code == 200, response.json
    return str(response.json["url"])


def test_a_link_works_from_another_computer_and_names_the_app_not_s3(
    releases: ReleaseWorld,
) -> None:
    release_id = releases.published()
    app = releases.world.app
    email = releases.world.user("enterprise", _enterprise_org(releases))
    remote = app.test_client()
    assert remote.post("/login", data={"email": email, "password": PASSWORD}, base_url=REMOTE)
    answer = remote.post(
        f"/api/v1/releases/{release_id}/downloads", json={"file": "documents.csv"}, base_url=REMOTE
    )
    assert answer.status_code == 200, answer.json
    url = answer.json["url"]
    assert urlsplit(url).netloc == "wanbiao.example.cn:8080"
    assert app.config["S3_ENDPOINT"] not in url
    assert answer.json["expires_in"] == 600
    fetched = app.test_client().get(url)  # a download tool without the user's cookie
    files = listed(releases, release_id)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.data).hexdigest() == files["documents.csv"]["sha256"]
    assert fetched.headers["Content-Length"] == str(files["documents.csv"]["size"])
    assert fetched.headers["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''release-{release_id}-documents.csv"
    )
    assert fetched.headers["X-Content-Type-Options"] == "nosniff"
    # The catalog's Download button redirects to such a link on the same host.
    page = remote.post(
        f"/releases/{release_id}/download", data={"file": "documents.jsonl"}, base_url=REMOTE
    )
    assert page.status_code == 302
    target = urlsplit(page.headers["Location"])
    assert target.netloc == "wanbiao.example.cn:8080"
    assert target.path.startswith("/api/v1/release-files/")
    jsonl = app.test_client().get(page.headers["Location"])
    assert hashlib.sha256(jsonl.data).hexdigest() == files["documents.jsonl"]["sha256"]


def test_an_expired_link_says_so_and_a_forged_one_is_not_found(
    releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    release_id = releases.published()
    url = link(releases, release_id)
    client = releases.world.app.test_client()
    token = urlsplit(url).path.rsplit("/", 1)[1]
    for forged in (token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), "x", "e30.e30.e30"):
        response = client.get(f"/api/v1/release-files/{forged}")
        assert response.status_code == 404, forged
    now = time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + 601)
    expired = client.get(url, headers={"Accept-Language": "zh-CN"})
    assert expired.status_code == 403
    assert expired.json["error"]["code"] == "release.link_expired"
    assert "下载链接已过期" in expired.json["error"]["message"]


def test_a_link_stops_working_when_the_release_is_withdrawn(releases: ReleaseWorld) -> None:
    release_id = releases.published()
    url = link(releases, release_id, "manifest.json")
    client = releases.world.app.test_client()
    assert client.get(url).status_code == 200
    withdrawn = releases.publisher.post(
        f"/api/v1/releases/{release_id}/withdraw", {"reason": "发现遗漏的身份证号"}
    )
    assert withdrawn.status_code == 200, withdrawn.json
    assert client.get(url).status_code == 404


def _enterprise_org(releases: ReleaseWorld) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User

    with releases.world.app.app_context():
        user = db.session.scalars(select(User).where(User.role == "enterprise")).first()
        assert user is not None and user.organization_id is not None
        return user.organization_id
