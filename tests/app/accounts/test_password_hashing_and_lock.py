"""Password hashing (scrypt, tens of milliseconds) never holds the SQLite write lock that every
claim and answer waits for: a registration flood or a login burst must not stall the experts.
The probe is a second, independent SQLite connection trying to start a write while the hash is
being computed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.app.builders import PASSWORD, World, login


def _another_writer_can_write(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        return True
    except sqlite3.OperationalError:  # "database is locked"
        return False
    finally:
        other.close()


@pytest.fixture
def probe(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether another writer could write, once per password hash or check."""
    from app.accounts import services

    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    seen: list[bool] = []
    real_hash, real_check = services.generate_password_hash, services.check_password_hash

    def hashing(password: str, method: str) -> str:
        seen.append(_another_writer_can_write(path))
        return real_hash(password, method=method)

    def checking(pwhash: str, password: str) -> bool:
        seen.append(_another_writer_can_write(path))
        return real_check(pwhash, password)

    monkeypatch.setattr(services, "generate_password_hash", hashing)
    monkeypatch.setattr(services, "check_password_hash", checking)
    return seen


def test_registration_hashes_outside_the_write_lock(app: Any, probe: list[bool]) -> None:
    form = {
        "name": "李医生",
        "email": "li@hospital.cn",
        "mobile": "13912345678",
        "domains": ["医疗"],
        "password": "a-long-password",
        "confirm": "a-long-password",
    }
    assert app.test_client().post("/register", data=form).status_code == 302
    assert probe == [True]


def test_logins_check_the_password_outside_the_write_lock(
    app: Any, world: World, probe: list[bool]
) -> None:
    expert = world.user("expert")
    probe.clear()  # the builder's own hashing
    assert login(app.test_client(), expert, "wrong-password").status_code != 302
    assert login(app.test_client(), expert, PASSWORD).status_code == 302
    assert probe == [True, True]


def _registration(number: int) -> dict[str, Any]:
    return {
        "name": f"专家{number}",
        "email": f"applicant{number}@example.cn",
        "mobile": "13912345678",
        "domains": ["医疗"],
        "password": "a-long-password",
        "confirm": "a-long-password",
    }


def _accounts(app: Any) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import User

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_one_address_may_register_a_few_accounts_an_hour(app: Any) -> None:
    app.config["REGISTRATIONS_PER_HOUR_PER_ADDRESS"] = 3
    here = {"REMOTE_ADDR": "198.51.100.7"}
    for number in range(3):
        response = app.test_client().post(
            "/register", data=_registration(number), environ_base=here
        )
        assert response.status_code == 302
    refused = app.test_client().post("/register", data=_registration(3), environ_base=here)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    assert "注册" in refused.text and _accounts(app) == 3
    elsewhere = {"REMOTE_ADDR": "198.51.100.8"}
    other = app.test_client().post("/register", data=_registration(4), environ_base=elsewhere)
    assert other.status_code == 302 and _accounts(app) == 4


def test_a_flood_from_many_addresses_is_held_to_a_rate(app: Any) -> None:
    app.config["REGISTRATIONS_PER_MINUTE"] = 4
    for number in range(4):
        address = {"REMOTE_ADDR": f"203.0.113.{number + 1}"}
        response = app.test_client().post(
            "/register", data=_registration(number), environ_base=address
        )
        assert response.status_code == 302
    address = {"REMOTE_ADDR": "203.0.113.99"}
    refused = app.test_client().post("/register", data=_registration(9), environ_base=address)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert _accounts(app) == 4
