"""The web app and the job consumer start without the de-identification engine: Presidio,
spaCy and jieba (about 130 MB) load only in a process that analyses or anonymizes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("presidio_analyzer", "presidio_anonymizer", "spacy", "jieba", "deid.engine")

PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def loaded_after(body: str, tmp_path: Path) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``body``."""
    env = {
        **os.environ,
        "WANBIAO_SECRET_KEY": "lazy-deid-test-secret-key-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'lazy.db'}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body, heavy=HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_creating_the_app_does_not_load_the_engine(tmp_path: Path) -> None:
    body = "from app import create_app\napp = create_app()\nimport wsgi"
    assert loaded_after(body, tmp_path) == []


def test_the_job_consumer_does_not_load_the_engine(tmp_path: Path) -> None:
    body = "import app.jobs\nimport app.releases.views, app.releases.scanning, app.api.releases"
    assert loaded_after(body, tmp_path) == []


def test_the_engine_loads_when_a_release_needs_it(tmp_path: Path) -> None:
    """The probe can see the engine: asking for it loads it (and its public names work)."""
    body = (
        "import deid\n"
        "from app.releases import policy\n"
        "assert 'PERSON' in policy.ENTITY_TYPES and 'PERSON' in policy.entity_types()\n"
        "assert deid.Finding(0, 1, 'PERSON', 1.0).end == 1"
    )
    assert "presidio_analyzer" in loaded_after(body, tmp_path)
