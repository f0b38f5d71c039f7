"""Failed logins slow down the address that makes them, never the account's owner elsewhere."""

from __future__ import annotations

from typing import Any

from tests.app.builders import PASSWORD, World

ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}
OWNER = {"REMOTE_ADDR": "203.0.113.10"}


def _login(app: Any, email: str, password: str, where: dict[str, str]) -> Any:
    return app.test_client().post(
        "/login", data={"email": email, "password": password}, environ_base=where
    )


def test_a_guesser_waits_and_the_owner_still_logs_in(app: Any, world: World) -> None:
    email = world.user("expert")
    for _ in range(3):
        assert _login(app, email, "not-the-password", ATTACKER).status_code == 422
    held = _login(app, email, PASSWORD, ATTACKER)  # even the right password must wait
    assert held.status_code == 429 and 1 <= int(held.headers["Retry-After"]) <= 5
    assert "秒" in held.text
    assert _login(app, email, PASSWORD, OWNER).status_code == 302


def test_a_password_sprayer_is_held_by_address(app: Any, world: World) -> None:
    app.config["LOGIN_FAILURES_PER_MINUTE"] = 4
    accounts = [world.user("expert") for _ in range(5)]
    for email in accounts[:4]:
        assert _login(app, email, "not-the-password", ATTACKER).status_code == 422
    held = _login(app, accounts[4], PASSWORD, ATTACKER)
    assert held.status_code == 429 and held.headers["Retry-After"] == "60"
    assert _login(app, accounts[4], PASSWORD, OWNER).status_code == 302
