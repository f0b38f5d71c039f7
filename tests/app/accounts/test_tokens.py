"""API tokens expire, and are revoked by their user, by an admin, by a password change and
by deactivation; each ends access at once (issue 14, section 4)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests.app.builders import PASSWORD, Api, World, login
from tests.conftest import make_app

WHOAMI = "/api/v1/tokens"  # any authenticated GET: 200 while the token works


def test_a_token_stops_working_when_it_expires(any_db_app: Any, any_db_world: World) -> None:
    from app.database import as_utc
    from app.extensions import db
    from app.models import ApiToken
    from app.models.base import utcnow

    api = any_db_world.api(any_db_world.user("expert"))
    assert api.get(WHOAMI).status_code == 200
    with any_db_app.app_context():
        token = db.session.query(ApiToken).one()
        assert as_utc(token.expires_at) > utcnow() + timedelta(days=89)
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert api.get(WHOAMI).status_code == 401


def test_the_token_lifetime_is_a_setting(tmp_path: Any, s3_server: Any) -> None:
    short = make_app(tmp_path, s3_server, API_TOKEN_DAYS=0)
    api = World(short).api(World(short).user("expert"))
    assert api.get(WHOAMI).status_code == 401


def test_a_user_revokes_the_token_in_use_through_the_api(world: World) -> None:
    email = world.user("vendor", world.org())
    api, other = world.api(email), world.api(email)
    listed = api.get(WHOAMI).json
    assert len(listed) == 2 and sum(t["current"] for t in listed) == 1
    response = api.client.delete("/api/v1/tokens/current", headers=api._headers())
    assert response.status_code == 204
    assert api.get(WHOAMI).status_code == 401
    assert other.get(WHOAMI).status_code == 200  # only that one token ended


def test_a_user_revokes_one_token_by_id_but_not_anothers(world: World) -> None:
    mine, theirs = world.api(world.user("expert")), world.api(world.user("expert"))
    their_id = theirs.get(WHOAMI).json[0]["id"]
    refused = mine.client.delete(f"/api/v1/tokens/{their_id}", headers=mine._headers())
    assert refused.status_code == 404
    assert theirs.get(WHOAMI).status_code == 200
    done = theirs.client.delete(f"/api/v1/tokens/{their_id}", headers=theirs._headers())
    assert done.status_code == 204 and theirs.get(WHOAMI).status_code == 401


def test_revoking_current_from_a_browser_session_is_422(app: Any, world: World) -> None:
    client = app.test_client()
    login(client, world.user("expert"))
    response = client.delete("/api/v1/tokens/current")
    assert response.status_code == 422 and response.json["error"]["code"] == "no_token"


def test_the_account_page_creates_and_revokes_tokens(app: Any, world: World) -> None:
    client = app.test_client()
    login(client, world.user("expert"))
    page = client.post("/account/tokens")
    assert page.status_code == 200 and "仅显示这一次" in page.text
    token = re.search(r"<code>(wb_[^<]+)</code>", page.text)
    assert token is not None
    api = Api(app.test_client(), token.group(1))
    token_id = api.get(WHOAMI).json[0]["id"]
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert api.get(WHOAMI).status_code == 401
    assert "暂无令牌" in client.get("/account/tokens").text
    assert 'href="/account/tokens"' in client.get("/account/password").text


def test_a_password_change_ends_every_token_and_session_at_once(app: Any, world: World) -> None:
    email = world.user("expert")
    api = world.api(email)
    other_browser = app.test_client()
    login(other_browser, email)
    client = app.test_client()
    login(client, email)
    changed = client.post("/account/password", data={"old": PASSWORD, "new": "another-long-pw"})
    assert changed.status_code == 302
    assert api.get(WHOAMI).status_code == 401
    assert other_browser.get("/").status_code == 302


def test_an_admin_revokes_a_users_tokens(app: Any, world: World) -> None:
    from app.extensions import db
    from app.models import User

    email = world.user("vendor", world.org())
    api = world.api(email)
    admin = app.test_client()
    login(admin, world.user("admin"))
    with app.app_context():
        user_id = db.session.query(User.id).filter_by(email=email).scalar()
    response = admin.post(f"/admin/users/{user_id}/revoke-tokens", follow_redirects=True)
    assert response.status_code == 200 and "已吊销 1 个 API 令牌" in response.text
    assert api.get(WHOAMI).status_code == 401


def test_the_token_routes_are_in_the_openapi_document(app: Any) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    assert "delete" in document["paths"]["/tokens/current"]
    assert "delete" in document["paths"]["/tokens/{token_id}"]
    assert "ApiToken" in document["components"]["schemas"]
