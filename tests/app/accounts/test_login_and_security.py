"""Logging in and out, sessions, CSRF, rate limits, registration, headers and languages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.app.builders import PASSWORD, World, login
from tests.conftest import make_app


def test_wrong_password_and_rate_limit(app: Any, world: World) -> None:
    email = world.user("expert")
    client = app.test_client()
    wrong = login(client, email, "not-the-password")
    assert wrong.status_code == 422 and "密码错误" in wrong.text
    for _ in range(9):
        login(client, email, "not-the-password")
    limited = login(client, email, PASSWORD)
    assert limited.status_code == 429
    assert client.get("/").status_code == 302  # still logged out


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_ignores_foreign_next(app: Any, world: World, target: str) -> None:
    email = world.user("expert")
    response = app.test_client().post(
        f"/login?next={target}", data={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_local_next(app: Any, world: World) -> None:
    email = world.user("expert")
    response = app.test_client().post(
        "/login?next=/account/password", data={"email": email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/password"


def test_old_session_cookie_is_rejected_after_logout(app: Any, world: World) -> None:
    email = world.user("expert")
    client = app.test_client()
    login(client, email)
    stolen = client.get_cookie("session")
    assert stolen is not None
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    assert thief.get("/").status_code == 302


def test_post_without_csrf_token_is_400(tmp_path: Any, s3_server: Any) -> None:
    strict = make_app(tmp_path, s3_server, WTF_CSRF_ENABLED=True)
    email = World(strict).user("expert")
    client = strict.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token is not None
    ok = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert ok.status_code == 302
    api = client.post("/api/v1/projects/1/claim")
    assert api.status_code == 400 and api.json["error"]["code"] == "csrf"


def test_expert_registration_and_its_errors(app: Any) -> None:
    client = app.test_client()
    good = {
        "name": "李医生",
        "email": "li@hospital.cn",
        "mobile": "13912345678",
        "domains": ["医疗"],
        "password": "a-long-password",
        "confirm": "a-long-password",
    }
    bad_mobile = client.post("/register", data=dict(good, mobile="12345"))
    assert bad_mobile.status_code == 422 and "手机" in bad_mobile.text
    assert client.post("/register", data=good).status_code == 302
    assert "李医生" in client.get("/").text
    again = app.test_client().post("/register", data=good)
    assert again.status_code == 409 and "已" in again.text


def test_security_headers_and_escaping(app: Any, world: World) -> None:
    client = app.test_client()
    email = world.user("expert")
    login(client, email)
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/static/../app/config.py", "/static/%2e%2e/wsgi.py", "/static/..%2fwsgi.py"]
)
def test_static_traversal_is_404(app: Any, path: str) -> None:
    assert app.test_client().get(path).status_code == 404


def test_chinese_by_default_english_on_request(app: Any) -> None:
    client = app.test_client()
    assert "登录" in client.get("/login").text
    switched = client.get("/lang/en?next=/login")
    assert switched.status_code == 302
    assert "Log in" in client.get("/login").text


def test_secret_key_is_required(monkeypatch: Any, tmp_path: Any) -> None:
    from app import create_app

    monkeypatch.setenv("WANBIAO_VAR_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_language_switch_offers_the_other_language(app: Any) -> None:
    client = app.test_client()
    page = client.get("/login").text
    assert '<html lang="zh-CN">' in page and ">English</a>" in page
    client.get("/lang/en")
    page = client.get("/login").text
    assert '<html lang="en">' in page and ">中文</a>" in page
