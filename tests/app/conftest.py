"""Fixtures of the app tests; the builders they hand out are in builders.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.builders import World


@pytest.fixture
def world(app: Any) -> World:
    return World(app)


@pytest.fixture
def any_db_world(any_db_app: Any) -> World:
    return World(any_db_app)
