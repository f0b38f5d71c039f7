"""Each role lands on its own home page after logging in."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, login


def test_each_role_lands_on_its_own_page(app: Any, world: World) -> None:
    org = world.org()
    expected = {
        "expert": "open-projects",
        "vendor": "corpora",
        "auditor": "all-projects",
        "admin": "organizations",
    }
    for role, marker in expected.items():
        client = app.test_client()
        email = world.user(role, org if role == "vendor" else None)
        assert login(client, email).status_code == 302
        page = client.get("/")
        assert page.status_code == 200
        assert f'data-home="{marker}"' in page.text
