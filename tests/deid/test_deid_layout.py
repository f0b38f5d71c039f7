"""The package's layout (issue 10): the runtime never loads what only trains or evaluates."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Records which module asks for torch, whether or not torch is installed: spaCy's thinc
# imports it when it can (on a training workstation), so "torch in sys.modules" alone would
# blame deid for thinc, and could never fail where torch is absent.
_RUNTIME_ONLY = """
import json, sys
torch_importers = []
class TorchWatch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            frame = sys._getframe(1)
            while frame is not None and frame.f_globals.get("__name__", "").startswith(
                    ("importlib", "_frozen_importlib")):
                frame = frame.f_back
            torch_importers.append(frame.f_globals.get("__name__") if frame else None)
        return None
sys.meta_path.insert(0, TorchWatch())
import deid
found = [(f.entity_type, f.start, f.end) for f in deid.analyze("张三的电话是13812345678")]
print(json.dumps({
    "found": found,
    "training": sorted(m for m in sys.modules if m.startswith("deid.training")),
    "torch_importers": sorted({str(m) for m in torch_importers}),
}))
"""


def test_import_deid_and_analyzing_loads_no_training_code() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _RUNTIME_ONLY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert ["CN_PHONE", 6, 17] in loaded["found"]  # the engine really ran
    assert loaded["training"] == []
    assert [m for m in loaded["torch_importers"] if m.startswith("deid")] == []


@pytest.mark.parametrize(
    "command", ["name_tagger", "char_cnn", "span_judge", "crossval", "tuning", "evaluate"]
)
def test_every_training_command_imports_from_its_new_home(command: str) -> None:
    module = importlib.import_module(f"deid.training.{command}")
    assert callable(module.main)
    assert module.__doc__  # argparse shows it as the command's description
