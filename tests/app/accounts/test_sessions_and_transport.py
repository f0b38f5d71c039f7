"""Sessions over HTTPS and CSRF secrets across login and logout (issue 14, section 4)."""

from __future__ import annotations

import re
from typing import Any

from tests.app.builders import PASSWORD, World, login
from tests.conftest import make_app

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _form_token(client: Any, path: str) -> str:
    found = CSRF_FIELD.search(client.get(path).text)
    assert found is not None
    return found.group(1)


def test_a_csrf_token_does_not_survive_logout(tmp_path: Any, s3_server: Any) -> None:
    strict = make_app(tmp_path, s3_server, WTF_CSRF_ENABLED=True)
    email = World(strict).user("expert")
    client = strict.test_client()
    before_login = _form_token(client, "/login")
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": before_login})
    old = _form_token(client, "/account/password")
    assert client.post("/logout", data={"csrf_token": old}).status_code == 302
    again = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": old})
    assert again.status_code == 400
    stale_login = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": before_login}
    )
    assert stale_login.status_code == 400


def test_a_csrf_token_from_before_login_is_stale_after_it(tmp_path: Any, s3_server: Any) -> None:
    strict = make_app(tmp_path, s3_server, WTF_CSRF_ENABLED=True)
    email = World(strict).user("expert")
    client = strict.test_client()
    anonymous = _form_token(client, "/login")
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": anonymous})
    response = client.post("/api/v1/projects/1/claim", headers={"X-CSRFToken": anonymous})
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf"
    fresh = _form_token(client, "/account/password")
    assert (
        client.post("/api/v1/projects/1/claim", headers={"X-CSRFToken": fresh}).status_code == 404
    )


def test_https_setting_makes_the_cookie_secure_and_sends_hsts(
    tmp_path: Any, s3_server: Any
) -> None:
    secure = make_app(tmp_path, s3_server, HTTPS=True)
    client = secure.test_client()
    response = login(client, World(secure).user("expert"))
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" in client.get("/api/v1/openapi.json").headers


def test_without_the_https_setting_there_is_no_hsts(app: Any, world: World) -> None:
    response = login(app.test_client(), world.user("expert"))
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_https_comes_from_the_environment(monkeypatch: Any, tmp_path: Any, s3_server: Any) -> None:
    monkeypatch.setenv("WANBIAO_HTTPS", "true")
    app = make_app(tmp_path, s3_server)
    assert app.config["HTTPS"] is True and app.config["SESSION_COOKIE_SECURE"] is True
