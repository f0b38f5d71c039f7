"""Accounts can be managed: one-time reset links, deactivation and reactivation (pages and
CLI), organization edits, display names from the CLI (issue 13, "Accounts cannot be
managed")."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests.app.builders import PASSWORD, World, login

NEW_PASSWORD = "a-brand-new-password"


def _user_id(app: Any, email: str) -> int:
    from app.extensions import db
    from app.models import User

    with app.app_context():
        return int(db.session.query(User.id).filter_by(email=email).scalar())


def _admin(app: Any, world: World) -> Any:
    client = app.test_client()
    login(client, world.user("admin"))
    return client


def _reset_path(page: Any) -> str:
    found = re.search(r"<code>https?://[^/]+(/reset/[^<]+)</code>", page.text)
    assert found is not None, page.text
    return found.group(1)


def test_an_admin_issued_reset_link_sets_a_password_once(app: Any, world: World) -> None:
    email = world.user("expert")
    api = world.api(email)
    old_browser = app.test_client()
    login(old_browser, email)
    admin = _admin(app, world)
    page = admin.post(f"/admin/users/{_user_id(app, email)}/reset-link")
    assert page.status_code == 200 and "一次性密码重置链接" in page.text
    path = _reset_path(page)
    user = app.test_client()
    form = user.get(path)
    assert form.status_code == 200 and email in form.text
    done = user.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert login(app.test_client(), email, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), email, PASSWORD).status_code == 422
    # Every earlier session and token ended; the link does not work twice.
    assert old_browser.get("/").status_code == 302
    assert api.get("/api/v1/tokens").status_code == 401
    again = app.test_client().post(
        path, data={"new": "yet-another-pw", "confirm": "yet-another-pw"}
    )
    assert again.status_code == 404 and "重置链接无效" in again.text


def test_a_reset_link_expires_and_a_newer_one_replaces_it(
    any_db_app: Any, any_db_world: World
) -> None:
    from app.extensions import db
    from app.models import PasswordReset
    from app.models.base import utcnow

    email = any_db_world.user("expert")
    admin = _admin(any_db_app, any_db_world)
    first = _reset_path(admin.post(f"/admin/users/{_user_id(any_db_app, email)}/reset-link"))
    second = _reset_path(admin.post(f"/admin/users/{_user_id(any_db_app, email)}/reset-link"))
    assert any_db_app.test_client().get(first).status_code == 404
    assert any_db_app.test_client().get(second).status_code == 200
    with any_db_app.app_context():
        for link in db.session.query(PasswordReset).all():
            link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert any_db_app.test_client().get(second).status_code == 404
    assert any_db_app.test_client().get("/reset/not-a-real-secret").status_code == 404


def test_a_reset_link_refuses_a_short_password(app: Any, world: World) -> None:
    email = world.user("expert")
    path = _reset_path(_admin(app, world).post(f"/admin/users/{_user_id(app, email)}/reset-link"))
    short = app.test_client().post(path, data={"new": "short", "confirm": "short"})
    assert short.status_code == 422
    assert app.test_client().get(path).status_code == 200  # still usable


def test_deactivation_ends_sessions_and_tokens_at_once(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    api = world.api(email)
    browser = app.test_client()
    login(browser, email)
    admin = _admin(app, world)
    user_id = _user_id(app, email)
    listing = admin.get("/admin/users")
    assert f'action="/admin/users/{user_id}/deactivate"' in listing.text
    done = admin.post(f"/admin/users/{user_id}/deactivate", follow_redirects=True)
    assert "已停用" in done.text
    assert browser.get("/").status_code == 302
    assert api.get("/api/v1/tokens").status_code == 401
    assert login(app.test_client(), email).status_code == 422
    admin.post(f"/admin/users/{user_id}/reactivate")
    assert login(app.test_client(), email).status_code == 302
    assert api.get("/api/v1/tokens").status_code == 401  # reactivation revives no old token


def test_an_admin_cannot_deactivate_themselves(app: Any, world: World) -> None:
    email = world.user("admin")
    client = app.test_client()
    login(client, email)
    page = client.post(f"/admin/users/{_user_id(app, email)}/deactivate", follow_redirects=True)
    assert "不能更改自己账号的状态" in page.text
    assert client.get("/").status_code == 200


def test_only_admins_manage_accounts(app: Any, world: World) -> None:
    email = world.user("expert")
    auditor = app.test_client()
    login(auditor, world.user("auditor"))
    assert auditor.post(f"/admin/users/{_user_id(app, email)}/deactivate").status_code == 403
    assert auditor.post(f"/admin/users/{_user_id(app, email)}/reset-link").status_code == 403


def test_the_cli_deactivates_reactivates_and_issues_reset_links(app: Any, world: World) -> None:
    email = world.user("expert")
    api = world.api(email)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "deactivate", email])
    assert result.exit_code == 0, result.output
    assert api.get("/api/v1/tokens").status_code == 401
    assert login(app.test_client(), email).status_code == 422
    assert runner.invoke(args=["users", "reactivate", email]).exit_code == 0
    assert login(app.test_client(), email).status_code == 302
    link = runner.invoke(args=["users", "reset-link", email])
    assert link.exit_code == 0 and link.output.startswith("/reset/")
    assert app.test_client().get(link.output.strip()).status_code == 200
    unknown = runner.invoke(args=["users", "deactivate", "nobody@example.cn"])
    assert unknown.exit_code != 0


def test_the_cli_sets_the_display_name(app: Any) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "zhang@bureau.gov.cn",
            "--password",
            PASSWORD,
            "--role",
            "auditor",
            "--name",
            "张三",
        ]
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    login(client, "zhang@bureau.gov.cn")
    assert "张三" in client.get("/").text


def test_an_admin_edits_an_organizations_name_and_city(app: Any, world: World) -> None:
    org = world.org("旧名公司", "合肥")
    admin = _admin(app, world)
    listing = admin.get("/admin/organizations")
    assert f'href="/admin/organizations/{org}"' in listing.text
    form = admin.get(f"/admin/organizations/{org}")
    assert form.status_code == 200 and "旧名公司" in form.text
    bad = admin.post(f"/admin/organizations/{org}", data={"name": "", "city": "合肥"})
    assert bad.status_code == 422
    saved = admin.post(f"/admin/organizations/{org}", data={"name": "新名公司", "city": "芜湖"})
    assert saved.status_code == 302
    listing = admin.get("/admin/organizations").text
    assert "新名公司" in listing and "芜湖" in listing and "旧名公司" not in listing
    assert admin.get(f"/admin/organizations/{2**40}").status_code == 404


def test_a_persons_name_is_called_xingming_not_mingcheng(app: Any, world: World) -> None:
    """名称 names things; a person's name is 姓名 on the register form and the user lists."""
    register = app.test_client().get("/register").text
    assert '<label for="name">姓名</label>' in register
    admin = _admin(app, world)
    for url in ("/", "/admin/users"):
        header = admin.get(url).text
        assert "<th>姓名</th><th>邮箱</th>" in header, url
