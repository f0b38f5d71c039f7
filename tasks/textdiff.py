"""Character-level comparison of two texts: a diff for reviewers and an edit distance.

Both work on Python ``str`` characters, so one Chinese character is one unit.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

DiffOp = tuple[str, str]

# Above this many character pairs a character-level SequenceMatcher gets slow (its matching
# is quadratic in the worst case); such texts are first aligned sentence by sentence.
_CHAR_PAIRS_BUDGET = 4_000_000
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def text_diff(old: str, new: str) -> list[DiffOp]:
    """The edits that turn ``old`` into ``new``, for showing a cleaning to a reviewer.

    Output: ``[(op, text), ...]`` with op "equal", "delete" or "insert"; joining the
    "equal" and "delete" texts gives ``old``, the "equal" and "insert" texts give ``new``.
    Adjacent pieces of one op are merged; a replacement is a "delete" then an "insert".
    Rules: difflib's Ratcliff–Obershelp matching at character level without the autojunk
    heuristic (it would ignore frequent characters such as 的); long texts are aligned by
    sentence first (after 。！？；!?; or a newline) and the changed sentences diffed by
    character. Raises nothing.
    """
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    ops: list[DiffOp] = [("equal", old[:prefix])]
    ops += _diff_middle(old[prefix : len(old) - suffix], new[prefix : len(new) - suffix])
    ops.append(("equal", old[len(old) - suffix :]))
    return _merged(ops)


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # binary search: slice comparison runs in C
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _diff_middle(old: str, new: str) -> list[DiffOp]:
    if len(old) * len(new) <= _CHAR_PAIRS_BUDGET:
        return _char_diff(old, new)
    old_parts = [part for part in _SENTENCE_END.split(old) if part]
    new_parts = [part for part in _SENTENCE_END.split(new) if part]
    ops: list[DiffOp] = []
    matcher = SequenceMatcher(None, old_parts, new_parts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = "".join(old_parts[i1:i2]), "".join(new_parts[j1:j2])
        if tag == "equal":
            ops.append(("equal", a))
        elif len(a) * len(b) <= _CHAR_PAIRS_BUDGET:
            ops += _char_diff(a, b)
        else:
            ops += [("delete", a), ("insert", b)]
    return ops


def _char_diff(old: str, new: str) -> list[DiffOp]:
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("equal", old[i1:i2]))
            continue
        ops += [("delete", old[i1:i2]), ("insert", new[j1:j2])]
    return ops


def _merged(ops: list[DiffOp]) -> list[DiffOp]:
    merged: list[DiffOp] = []
    for op, text in ops:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def levenshtein(a: str, b: str) -> int:
    """Edit distance: fewest single-character insertions, deletions and substitutions.

    Levenshtein (1966) distance, computed after removing the common prefix and suffix with
    Hyyrö's (2003) bit-vector form of Myers' (1999) algorithm on Python ints: time
    O(|a| · |b| / 64), so a long text with a few scattered edits stays fast. Raises nothing.
    """
    prefix = _common_prefix(a, b)
    a, b = a[prefix:], b[prefix:]
    suffix = _common_prefix(a[::-1], b[::-1])
    a, b = a[: len(a) - suffix], b[: len(b) - suffix]
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return len(b)
    return _bit_vector_distance(a, b)


def _bit_vector_distance(pattern: str, text: str) -> int:
    masks: dict[str, int] = {}
    for i, char in enumerate(pattern):
        masks[char] = masks.get(char, 0) | (1 << i)
    full, top = (1 << len(pattern)) - 1, 1 << (len(pattern) - 1)
    plus, minus, score = full, 0, len(pattern)
    for char in text:
        eq = masks.get(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        h_plus = minus | (~(xh | plus) & full)
        h_minus = plus & xh
        if h_plus & top:
            score += 1
        elif h_minus & top:
            score -= 1
        h_plus = ((h_plus << 1) | 1) & full
        h_minus = (h_minus << 1) & full
        plus = h_minus | (~(xv | h_plus) & full)
        minus = h_plus & xv
    return score


def normalised_edit_distance(a: str, b: str) -> float:
    """``levenshtein(a, b) / max(len(a), len(b))`` in [0, 1]; 0.0 for two empty texts."""
    longest = max(len(a), len(b))
    return levenshtein(a, b) / longest if longest else 0.0
