"""Fixtures of the app tests; the builders they hand out are in builders.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.builders import World
from tests.app.redis_server import RedisServer


@pytest.fixture
def world(app: Any) -> World:
    return World(app)


@pytest.fixture
def any_db_world(any_db_app: Any) -> World:
    return World(any_db_app)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """Debian's redis-server on a free port, for one test; skipped where it is not installed."""
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    yield server
    server.stop()
