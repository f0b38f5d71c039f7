"""Fixtures of the release tests: the fake analyser, the release world, a signing key."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.app.builders import World
from tests.app.releases.release_world import ReleaseWorld, fake_analyze_batch, release_world


@pytest.fixture
def fake_analyser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace ``deid.analyze_batch`` in the analysis job by the quick fake."""
    monkeypatch.setattr("app.releases.scanning.analyze_batch", fake_analyze_batch)


@pytest.fixture
def signing_key(monkeypatch: pytest.MonkeyPatch) -> Ed25519PrivateKey:
    """The key the publish route signs with (the platform key lives in app/signing.py)."""
    key = Ed25519PrivateKey.generate()
    monkeypatch.setattr("app.jobs.release_signing_key", lambda: key)
    return key


@pytest.fixture
def releases(world: World, fake_analyser: None, signing_key: Any) -> ReleaseWorld:
    """A publisher, two auditors and an AI company, with the fake analyser in place."""
    return release_world(world)


@pytest.fixture
def any_db_releases(any_db_world: World, fake_analyser: None, signing_key: Any) -> ReleaseWorld:
    """``releases`` on SQLite and on PostgreSQL (when ``WANBIAO_TEST_POSTGRES_URL`` is set)."""
    return release_world(any_db_world)
