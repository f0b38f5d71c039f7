"""The administrative-division table shipped in ``deid/data/divisions.tsv`` (GB/T 2260)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DIVISIONS_FILE = Path(__file__).resolve().parent / "data" / "divisions.tsv"
_SUFFIXES = ("特别行政区", "自治区", "新区", "省", "市", "区", "县")


@cache
def division_names() -> frozenset[str]:
    """Every division name in the table, with and without its suffix (安徽省 and 安徽).

    Short forms of one character (歙, 泾) are left out: they occur inside ordinary words.
    Raises ``OSError`` when the table is missing from the installation.
    """
    names: set[str] = set()
    for line in DIVISIONS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        for name in line.replace("\t", " ").split():
            names.add(name)
            for suffix in _SUFFIXES:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    names.add(name[: -len(suffix)])
                    break
    return frozenset(names)


@cache
def _longest_name() -> int:
    return max(map(len, division_names()))


def division_prefix_end(text: str, keep: int = 0) -> int:
    """Return how many leading characters of ``text`` are division names (安徽省合肥市蜀山区 → 9),
    leaving at least ``keep`` characters: 黄山路 keeps its 黄山 although 黄山 is a city.

    Greedy longest match, repeated; 0 when ``text`` does not start with a division.
    """
    names = division_names()
    position = 0
    while position < len(text):
        for size in range(min(_longest_name(), len(text) - position), 1, -1):
            if text[position : position + size] in names and len(text) - position - size >= keep:
                position += size
                break
        else:
            return position
    return position
