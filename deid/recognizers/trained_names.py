"""Names the training data labels as people, for the ``recall`` profile.

``deid/data/trained_names.tsv`` lists every name of two characters or more that train/
labels a person at least ``MIN_LABELS`` times and in at least ``MIN_SHARE`` of the places
it is written there (built by ``python -m deid.training.trained_names``): 吴军, 中江要介.
The character models learn most such names, but not all: a name written in a context that
reads as something else (调吴军进社科院) is missed however often they saw it.  A name
that is also a common word (长城, 黄河) is labelled in few of its places and stays out of
the list.

Out of fold (the list built without the judge block, the profile's judges trained on the
other sub-blocks) it covers one more of the judge block's 3,518 MSRA names (3,490 →
3,491) for 8 more findings (5,755 → 5,763; model card, item 25).  The ``recall``
profile's person recognizer reads it, and so the ``residual`` scan of a release; the
default profile does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from deid.normalize import read_pairs

TRAINED_NAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "trained_names.tsv"
MIN_LABELS = 2
MIN_SHARE = 0.7


@cache
def trained_names() -> dict[str, str]:
    """Name → how many times train/ labels it a person.

    Raises ``OSError`` when the list is missing from the installation.
    """
    return read_pairs(TRAINED_NAMES_FILE)


@dataclass(frozen=True)
class NameLookup:
    """A list of names and, per first character, the lengths of the names it begins
    (longest first): a text is read in one pass over its characters, a dictionary look-up
    each (a sentence in some 10 µs; ``deid.famous``'s array look-up costs ten times more
    for one sentence at a time)."""

    names: frozenset[str]
    lengths: dict[str, tuple[int, ...]]

    @classmethod
    def of(cls, names: Iterable[str]) -> NameLookup:
        """The look-up of ``names``."""
        listed = frozenset(names)
        lengths: dict[str, set[int]] = {}
        for name in listed:
            lengths.setdefault(name[0], set()).add(len(name))
        return cls(listed, {c: tuple(sorted(n, reverse=True)) for c, n in lengths.items()})

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of the longest listed name starting at each position of
        ``text`` (overlapping names included)."""
        found = []
        for start, char in enumerate(text):
            for length in self.lengths.get(char, ()):
                if text[start : start + length] in self.names:
                    found.append((start, start + length))
                    break
        return found


@cache
def _lookup() -> NameLookup:
    return NameLookup.of(trained_names())


def trained_name_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of the longest listed name starting at each position of ``text``."""
    return _lookup().spans(text)
