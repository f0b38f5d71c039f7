"""``make demo`` ends with the next step (issue 13: "the README's missing next step after
make demo"): which address to open and which account to log in as, with the passwords it
printed; those accounts work and the vendor finds the demo project; a second run says the
demo is there and repeats the next step."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest

from tests.app.builders import login


def run_demo(app: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> str:
    from app import supervisor

    monkeypatch.setenv("PORT", "5713")
    monkeypatch.setattr(supervisor, "prepare_var", lambda: None)
    monkeypatch.setattr(supervisor, "embedded_s3", contextlib.nullcontext)
    monkeypatch.setattr(supervisor, "migrate_and_bootstrap", lambda: None)
    monkeypatch.setattr(supervisor, "create_app", lambda: app)
    assert supervisor.demo() == 0
    return str(capsys.readouterr().out)


def test_the_demo_says_where_to_go_and_as_whom(
    app: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    out = run_demo(app, monkeypatch, capsys)
    assert "open http://127.0.0.1:5713/" in out
    assert "vendor@demo.wanbiao" in out.splitlines()[-1]
    assert "expert1@demo.wanbiao" in out.splitlines()[-1]
    passwords = dict(re.findall(r"^\s+\w+\s+(\S+@demo\.wanbiao)\s+(\S+)$", out, re.M))
    assert set(passwords) == {
        f"{who}@demo.wanbiao" for who in ("admin", "auditor", "vendor", "expert1", "expert2")
    }

    client = app.test_client()
    login(client, "vendor@demo.wanbiao", passwords["vendor@demo.wanbiao"])
    home = client.get("/").get_data(as_text=True)
    assert "政策段落分类" in home
    expert = app.test_client()
    login(expert, "expert1@demo.wanbiao", passwords["expert1@demo.wanbiao"])
    assert "政策段落分类" in expert.get("/").get_data(as_text=True)

    again = run_demo(app, monkeypatch, capsys)
    assert "already loaded" in again and "open http://127.0.0.1:5713/" in again
