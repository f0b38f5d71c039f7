"""Derived tables kept between processes (``deid.cache``): built once, read back the same,
rebuilt when an input changes or the file is damaged, and never needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from deid.cache import cached_arrays, cached_marshal, input_key, load_or_build
from deid.lexicon import jieba_lexicon, lexicon_arrays

ROOT = Path(__file__).resolve().parents[2]


def test_a_table_is_built_once_then_read_back(tmp_path: Path) -> None:
    builds: list[int] = []

    def build() -> dict[str, int]:
        builds.append(1)
        return {"张三": 3, "记者": 12}

    first = cached_marshal("words", "k1", build, tmp_path)
    second = cached_marshal("words", "k1", build, tmp_path)
    assert first == second == {"张三": 3, "记者": 12}
    assert len(builds) == 1
    cached_marshal("words", "k2", build, tmp_path)  # another input: another file
    assert len(builds) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["words-k1", "words-k2"]


def test_a_damaged_file_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "arrays-k").write_bytes(b"PK\x03\x04 not really a zip")
    arrays = cached_arrays("arrays", "k", lambda: {"a": np.arange(3)}, tmp_path)
    assert arrays["a"].tolist() == [0, 1, 2]
    again = cached_arrays("arrays", "k", lambda: {"a": np.arange(5)}, tmp_path)
    assert again["a"].tolist() == [0, 1, 2]  # the rewritten file


def test_an_unwritable_directory_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    value = load_or_build("t", "k", lambda: b"built", bytes, bytes, blocker / "cache")
    assert value == b"built"


def test_the_key_follows_the_contents_of_files(tmp_path: Path) -> None:
    source = tmp_path / "dict.txt"
    source.write_text("张三 3 nr\n", encoding="utf-8")
    before = input_key(source, "1.0")
    assert input_key(source, "1.0") == before
    source.write_text("张三 4 nr\n", encoding="utf-8")
    assert input_key(source, "1.0") != before
    assert input_key(source, "1.1") != input_key(source, "1.0")


def test_the_kept_lexicon_is_the_built_one() -> None:
    kept = jieba_lexicon()
    built = lexicon_arrays()
    assert (kept.given == built["given"]).all()
    for length, keys in kept.words.items():
        assert (keys == built[f"words{length}"]).all()
    for length, keys in kept.names.items():
        assert (keys == built[f"names{length}"]).all()


_SCRIPT = """
import json, sys
import deid
text = "记者张胜男报道，王小明的电话是13912345678，陳冠希住址：合肥市蜀山区黄山路100号。"
print(json.dumps([[f.start, f.end, f.entity_type, f.score] for f in deid.analyze(text)]))
"""


def _builder_then_reader(script: str, tmp_path: Path) -> list[Any]:
    """The last stdout line (JSON) of ``script`` run in two fresh processes: the first builds
    and keeps the tables, the second reads them."""
    env = {**os.environ, "WANBIAO_DEID_CACHE": str(tmp_path / "cache")}
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return outputs


def test_a_process_finds_the_same_with_and_without_kept_tables(tmp_path: Path) -> None:
    outputs = _builder_then_reader(_SCRIPT, tmp_path)
    kept = sorted(path.name.rsplit("-", 1)[0] for path in (tmp_path / "cache").iterdir())
    assert kept == ["jieba-lexicon", "jieba-tables", "normalize"]
    assert outputs[0] == outputs[1]
    assert [kind for _, _, kind, _ in outputs[0]].count("PERSON") == 3


_MEMORY_SCRIPT = """
import json
import deid
from deid.posseg import tagger
from deid.dictionary import jieba_tables
for profile in ("default", "recall"):
    deid.analyze_batch(["记者张胜男报道，王小明的电话是13912345678。"], profile=profile)
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
shared = tagger().dt.word_tag_tab is jieba_tables()[1]
print(json.dumps([int(status["VmRSS"].split()[0]) // 1024, shared]))
"""


def test_the_process_that_built_the_tables_is_no_larger_than_one_that_read_them(
    tmp_path: Path,
) -> None:
    """An analysis worker on a fresh machine builds the tables; it used to keep jieba's own
    part-of-speech table beside the shared one, some 60 MB more for its whole life."""
    runs = _builder_then_reader(_MEMORY_SCRIPT, tmp_path)
    (built_mb, built_shared), (read_mb, read_shared) = runs
    assert built_shared and read_shared
    assert built_mb < read_mb + 25, runs
