"""Names in a list printed without separators: the members of a presidium, a committee or
a delegation, as newspapers set them (区宗杰朱祖寿刘本立刘焯华刘镇许辉年…, 叶长青扎西多吉刘一民,
马建国刀建华（傣族）王向阳（满族）于是平).

The name models read such a list as one long name or miss the names that are common words
or have no surname in the table (方圆, 扎西多吉, 于是平).  Where the names found mark a run of
Chinese characters as a list, ``in_name_lists`` cuts the whole run into names: each a
surname (or a word surname, ``WORD_SURNAMES``) and one or two characters, or a dotted name,
the cut the cheapest under ``_piece_cost``; what lies between two such lists of the same
run is names too (扎西多吉 between 叶长青 and 刘一民).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from deid.dictionary import jieba_tables
from deid.findings import PERSON, Finding
from deid.recognizers.base import DOTS, HAN
from deid.segmenting import NAME_TAGS
from deid.surnames import RANKED_SURNAMES, TRADITIONAL_SURNAMES, WORD_SURNAMES, surname_length

# A run: Chinese characters and dots, through notes in brackets (（女）, （藏族）,
# （按姓氏笔划排序）) that do not end it.
_RUN = re.compile(rf"(?:[{HAN}{DOTS}]+|[（(][^（）()\n]{{1,12}}[）)])+")
# The ranking's first 150 surnames, 傅洪赖萧 (which its head leaves to 百家姓) and the
# traditional forms.
_COMMON_SURNAMES = frozenset(RANKED_SURNAMES[:150] + "傅洪赖萧" + TRADITIONAL_SURNAMES)
_NOTE = re.compile(r"[（(][^（）()\n]{1,12}[）)]")

# The cost of a character read as no name, and of a name: a surname and one or two
# characters costs NAME; one without a surname in the table more (扎西多吉), a word surname
# a little more (刀建华), a common word more (于是 is; 于是平 is not); a name the models
# found (or whose edge they found) less.
OTHER = 1.5
NAME = 1.0
NO_SURNAME = 4.0
WORD_SURNAME = 0.8
RARE_SURNAME = 0.3  # a surname outside _COMMON_SURNAMES (钮小明|王波, not 钮小|明王波)
ONE_CHARACTER = 0.3  # a given name of one character (of two: nothing more)
LONG = 3.0  # a given name of three characters or more
COMMON_WORD = 0.8
COMMON_FREQ = 100  # jieba frequency from which a piece is a common word
DOTTED_PART = {2: 0.0, 3: 0.0, 4: 0.2}  # by a dotted name's part's length; others
DOTTED_LONG_PART = 1.5
FOUND = 0.8  # a piece the models found as it is
FOUND_EDGE = 0.3  # each edge of a piece that is a found name's edge
CROSSED = 1.5  # a piece starting inside a name found (of at most four characters)
# A list: at least MIN_NAMES names in a row (notes between them do not break it), at
# least MIN_FOUND of them names found as they are, and that a share of FOUND_SHARE, and
# MIN_PAIRS pairs of those side by side (a row the models' false alarms make,
# 祝家|庄镇小|强村官|庄组|金增平, has one at most).
MIN_NAMES = 4
MIN_FOUND = 3
FOUND_SHARE = 0.5
MIN_PAIRS = 2
# Costs of the second cut, of a list's parts: any character is a name's.
LIST_NAME = 0.0
LIST_OTHER = 3.0
# Rows of names at most GAP characters read as no name apart are one list: those
# characters are names too (扎西多吉 between 叶长青 and 刘一民).
GAP = 6
# Names that at most EDGE_GAP characters read as no name part are in one row.
EDGE_GAP = 1
LISTED_SCORE = 0.55
# Names found longer than this (a whole list read as one) are no guide to its names.
_LONGEST_FOUND = 12


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    name: bool


def in_name_lists(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` with every list of names printed without separators cut into its
    names (see the module): the person findings lying inside a list's run (and in one
    bracket-free part of it) give way to the list's names, those equal to one keeping
    their score; the others are added with ``LISTED_SCORE``."""
    people = [f for f in findings if f.entity_type == PERSON]
    found = sorted((f.start, f.end) for f in people)
    guides = [(s, e) for s, e in found if e - s <= _LONGEST_FOUND]
    # a list has MIN_PAIRS pairs of names found side by side: look no further without them
    starts = {start for start, _ in guides}
    pairs = sorted(end for _, end in guides if end in starts)
    if len(pairs) < MIN_PAIRS:
        return findings
    listed: list[tuple[int, int]] = []
    for run in _RUN.finditer(text):
        first = bisect.bisect_right(pairs, run.start())
        if bisect.bisect_left(pairs, run.end()) - first >= MIN_PAIRS:
            listed += _listed(text, run.start(), run.end(), guides)
    if not listed:
        return findings
    scores = {(f.start, f.end): f.score for f in people}
    extents = _extents(listed)
    firsts = [a for a, _ in extents]

    def within(start: int, end: int) -> bool:
        number = bisect.bisect_right(firsts, start) - 1
        return number >= 0 and end <= extents[number][1]

    inside = {(s, e) for s, e in found if within(s, e)}
    return [f for f in findings if f.entity_type != PERSON or (f.start, f.end) not in inside] + [
        Finding(s, e, PERSON, scores.get((s, e), LISTED_SCORE)) for s, e in listed
    ]


def _extents(listed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of ``listed`` names that touch (one part of a run each)."""
    extents: list[tuple[int, int]] = []
    for start, end in sorted(listed):
        if extents and extents[-1][1] == start:
            extents[-1] = (extents[-1][0], end)
        else:
            extents.append((start, end))
    return extents


def _listed(text: str, start: int, end: int, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The names of the lists in the run ``text[start:end]``."""
    pieces: list[_Piece | None] = []  # None: a note between two parts
    position = start
    for note in [*_NOTE.finditer(text, start, end), None]:
        stop = note.start() if note else end
        if stop > position:
            pieces += _cut(text, position, stop, found)
        if note:
            pieces.append(None)
            position = note.end()
    rows = _rows(pieces)
    names: list[tuple[int, int]] = []
    whole = set(found)
    for chain in _chains(pieces, rows):
        accepted = [n for n in chain if _is_list(pieces, rows[n], whole)]
        if not accepted:
            continue
        # from the first name found to the last (a header run into the list, 主席团成员名单
        # 马建国…, reads as names too: 席团)
        first, last = rows[accepted[0]][0], rows[accepted[-1]][1]
        while not _overlaps(pieces[first], found):
            first += 1
        while not _overlaps(pieces[last], found):
            last -= 1
        names += _recut(text, pieces[first : last + 1], found)
    return names


def _overlaps(piece: _Piece | None, found: list[tuple[int, int]]) -> bool:
    return piece is not None and any(s < piece.end and piece.start < e for s, e in found)


def _recut(
    text: str, pieces: list[_Piece | None], found: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The names of a list (its ``pieces``, notes apart): each part cut again, now that it
    is known to be names, at ``LIST_NAME`` a name and ``LIST_OTHER`` a character that is
    none, a common word no dearer than another name (王平|王克|王涛, not 王平王|克|王涛王;
    方圆|石磊); what is still none joins into names."""
    names: list[tuple[int, int]] = []
    part: list[_Piece] = []
    for piece in [*pieces, None]:
        if piece is not None:
            part.append(piece)
            continue
        if part:
            cut = _cut(text, part[0].start, part[-1].end, found, LIST_NAME, LIST_OTHER, False)
            names += [(p.start, p.end) for p in _joined(cut)]
        part = []
    return names


def _rows(pieces: list[_Piece | None]) -> list[tuple[int, int]]:
    """The index ranges ``(first, last)`` of ``pieces`` that are names in a row: notes
    between them, or at most ``EDGE_GAP`` characters read as no name (石磊 cut 方圆石|磊
    at first), do not end a row."""
    rows: list[tuple[int, int]] = []
    row: list[int] = []
    other = 0
    for index, piece in enumerate(pieces):
        if piece is None:
            continue
        if not piece.name:
            other += piece.end - piece.start
            continue
        if row and other > EDGE_GAP:
            rows.append((row[0], row[-1]))
            row = []
        row.append(index)
        other = 0
    if row:
        rows.append((row[0], row[-1]))
    return rows


def _names_of(pieces: list[_Piece | None], row: tuple[int, int]) -> list[_Piece]:
    return [p for p in pieces[row[0] : row[1] + 1] if p and p.name]


def _apart(pieces: list[_Piece | None], row: tuple[int, int], following: tuple[int, int]) -> int:
    """How many characters read as no name lie between two rows."""
    return sum(p.end - p.start for p in pieces[row[1] + 1 : following[0]] if p)


def _chains(pieces: list[_Piece | None], rows: list[tuple[int, int]]) -> list[list[int]]:
    """The rows (by number) that at most ``GAP`` characters read as no name part."""
    chains: list[list[int]] = []
    for number, row in enumerate(rows):
        if chains and _apart(pieces, rows[number - 1], row) <= GAP:
            chains[-1].append(number)
        else:
            chains.append([number])
    return chains


def _is_list(
    pieces: list[_Piece | None], row: tuple[int, int], found: set[tuple[int, int]]
) -> bool:
    """Whether a row is a list: ``MIN_NAMES`` names or more, enough of them found as they
    are."""
    names = _names_of(pieces, row)
    hit = [(p.start, p.end) in found for p in names]
    pairs = sum(
        hit[n] and hit[n + 1] and names[n].end == names[n + 1].start for n in range(len(names) - 1)
    )
    return (
        len(names) >= MIN_NAMES
        and sum(hit) >= MIN_FOUND
        and sum(hit) >= FOUND_SHARE * len(names)
        and pairs >= MIN_PAIRS
    )


def _joined(pieces: Sequence[_Piece | None]) -> list[_Piece]:
    """``pieces`` with each run of characters read as no name joined into one name."""
    joined: list[_Piece] = []
    for piece in pieces:
        if piece is None:
            continue
        if not piece.name and joined and not joined[-1].name and joined[-1].end == piece.start:
            joined[-1] = _Piece(joined[-1].start, piece.end, False)
        else:
            joined.append(piece)
    return [_Piece(p.start, p.end, True) for p in joined]


def _cut(
    text: str,
    start: int,
    end: int,
    found: list[tuple[int, int]],
    name: float = NAME,
    other: float = OTHER,
    words: bool = True,
) -> list[_Piece]:
    """The cheapest cut of ``text[start:end]`` into names and characters that are none,
    at ``name`` a name (above what ``_piece_cost`` adds) and ``other`` a character that
    is none; ``words``: a common word costs more as a name.  ``found`` is sorted."""
    # (a list's parts are many: read only the names found that may touch this one)
    near = found[
        bisect.bisect_left(found, (start - _LONGEST_FOUND, 0)) : bisect.bisect_left(
            found, (end + 1, 0)
        )
    ]
    starts = {s for s, _ in near}
    ends = {e for _, e in near}
    whole = set(near)
    crossed = {i for s, e in near if e - s <= 4 for i in range(s + 1, e)}
    best = [0.0] + [float("inf")] * (end - start)
    back = [0] * (end - start + 1)
    # the first dot at or after each position: a name without a dot stops before it
    next_dot = iter([*(i for i in range(start, end) if text[i] in DOTS), end])
    dot = next(next_dot)
    for i in range(start, end):
        while dot < i:
            dot = next(next_dot)
        at = best[i - start] + (CROSSED if i in crossed else 0.0)
        if at == float("inf"):
            continue
        options = [(i + 1, other)]
        options += [
            (j, name + _piece_cost(text, i, j, words) - _found_bonus(i, j, starts, ends, whole))
            for j in range(i + 2, min(end, i + 4, dot) + 1)
        ]
        if dot - i <= 6:
            options += [
                (j, name + cost - _found_bonus(i, j, starts, ends, whole))
                for j, cost in _dotted(text, i, end)
            ]
        for j, cost in options:
            if at + cost < best[j - start]:
                best[j - start], back[j - start] = at + cost, i
    pieces: list[_Piece] = []
    position = end
    while position > start:
        previous = back[position - start]
        is_name = position - previous > 1
        pieces.append(_Piece(previous, position, is_name))
        position = previous
    return pieces[::-1]


def _dotted(text: str, start: int, end: int) -> list[tuple[int, float]]:
    """The ends of the dotted names that may start at ``start`` (阿不都·热合曼,
    班禅额尔德尼·确吉坚赞: one to six characters each side of each dot), each with its
    cost: parts of two or three characters are the likeliest."""
    found: list[tuple[int, float]] = []
    left = 0
    while start + left < end and text[start + left] not in DOTS and left < 6:
        left += 1
    if left == 0 or start + left >= end or text[start + left] not in DOTS:
        return found
    cost = DOTTED_PART.get(left, DOTTED_LONG_PART)
    position = start + left
    while position < end and text[position] in DOTS:
        for right in range(1, 7):
            stop = position + 1 + right
            if stop > end or text[stop - 1] in DOTS:
                break
            found.append((stop, cost + DOTTED_PART.get(right, DOTTED_LONG_PART)))
        # a name of more than two parts (…·…·…) goes on at the next dot
        following = range(position + 1, min(end, position + 8))
        position = next((p for p in following if text[p] in DOTS), end)
    return found


def _piece_cost(text: str, start: int, end: int, words: bool = True) -> float:
    """What reading ``text[start:end]`` as one name costs beyond ``NAME``: its surname
    (none, a word surname, a rare one), its given name's length and, with ``words``,
    its being a common word."""
    piece = text[start:end]
    surname = surname_length(text, start)
    cost = 0.0
    if surname == 0:
        surname = 1
        cost += WORD_SURNAME if piece[0] in WORD_SURNAMES else NO_SURNAME
    elif surname == 1 and piece[0] not in _COMMON_SURNAMES:
        cost += RARE_SURNAME
    given = piece[surname:]
    cost += ONE_CHARACTER if len(given) == 1 else 0.0 if len(given) == 2 else LONG
    freq, tags = jieba_tables()
    if words and freq.get(piece, 0) >= COMMON_FREQ and tags.get(piece) not in NAME_TAGS:
        cost += COMMON_WORD
    return cost


def _found_bonus(
    start: int, end: int, starts: set[int], ends: set[int], whole: set[tuple[int, int]]
) -> float:
    if (start, end) in whole:
        return FOUND
    return FOUND_EDGE * ((start in starts) + (end in ends))
