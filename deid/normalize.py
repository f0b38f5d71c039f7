"""NFKC normalisation with a map back to the caller's offsets.

Recognizers see full-width digits and letters (１２３, ＡＢ) as ASCII, and traditional characters
as simplified ones (陳冠希 as 陈冠希, ``deid/data/t2s.tsv``, one character for one).  Findings
are made on the normalised text and mapped back, so ``Finding.start``/``end`` always index the
original string.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from deid.cache import cached_marshal, input_key, source_files

T2S_FILE = Path(__file__).resolve().parent / "data" / "t2s.tsv"


def read_pairs(path: Path) -> dict[str, str]:
    """The first column → the second of a shipped two-column table (tab-separated, ``#``
    comment lines).  Raises ``OSError`` when the file is missing from the installation."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("\t")
            table[key] = value
    return table


@cache
def traditional_to_simplified() -> dict[str, str]:
    """The shipped one-to-one table of traditional characters and their simplified forms.

    Raises ``OSError`` when the table is missing from the installation.
    """
    return read_pairs(T2S_FILE)


@cache
def _single_char_table() -> dict[int, str]:
    """Code points whose NFKC form is one different character (full-width forms, spaces),
    then a simplified character for a traditional one (``traditional_to_simplified``).
    Kept by ``deid.cache`` (a pass over every code point takes a cold process a second)."""
    key = input_key(
        unicodedata.unidata_version, T2S_FILE, *source_files("deid.normalize", "deid.cache")
    )
    table: dict[int, str] = cached_marshal("normalize", key, _built_char_table)
    return table


def _built_char_table() -> dict[int, str]:
    simplified = traditional_to_simplified()
    table = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char)
        if len(normal) == 1:
            normal = simplified.get(normal, normal)
        if normal != char and len(normal) == 1:
            table[code] = normal
    return table


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text and, when lengths differ, the original index of each normalised char."""

    text: str
    original: str
    index_map: tuple[int, ...] | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalised text to the original text."""
        if self.index_map is None:
            return start, end
        if start >= end:
            point = self.index_map[start] if start < len(self.index_map) else len(self.original)
            return point, point
        return self.index_map[start], self.index_map[end - 1] + 1


_TRADITIONAL_SHARE = 0.02  # (of its characters, from which a text is traditional)


def written_in_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters: as many of its characters as
    ``_TRADITIONAL_SHARE`` are simplified by ``normalize`` (中國, 臺灣, 陳), 於 aside (simplified
    characters keep it for a surname: 於海涛)."""
    table = traditional_to_simplified()
    return sum(char in table for char in text if char != "於") >= _TRADITIONAL_SHARE * len(text)


# A character a font made up (造字) for one no code point had: Taiwan's courts write a rare
# character of a name so (陳瑋\ue329, 杜\ue3bc人), and its code point lies in the private use
# area.  Read as a Chinese character the models have never seen when it stands beside one
# (after it, or after a space before it), so the name runs through it; one after a
# sentence's end or between layout is a bullet or a numbering and stays as it is.
_PRIVATE_USE = re.compile(
    "(?<=[\u4e00-\u9fff\ue000-\uf8ff])[\ue000-\uf8ff]"
    "|(?<=[ \t\u3000])[\ue000-\uf8ff](?=[\u4e00-\u9fff])"
)
_ANY_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
PRIVATE_USE_STAND_IN = "\u9f98"  # 龘: in no model's vocabulary, no surname, no word


def _private_use_read(text: str) -> str:
    """``text`` with each made-up character beside a Chinese one (``_PRIVATE_USE``) read as
    ``PRIVATE_USE_STAND_IN``, one character for one."""
    if not _ANY_PRIVATE_USE.search(text):
        return text
    return _PRIVATE_USE.sub(PRIVATE_USE_STAND_IN, text)


def normalize(text: str) -> NormalizedText:
    """Return ``text`` in Unicode NFKC (UAX #15), character by character, traditional
    characters simplified, with an offset map.

    Characters are normalised one at a time (no composition across characters), so every
    normalised character can be traced to the original character it came from.
    """
    translated = _private_use_read(text.translate(_single_char_table()))
    if unicodedata.is_normalized("NFKC", translated):
        return NormalizedText(translated, text, None)
    parts: list[str] = []
    index_map: list[int] = []
    for position, char in enumerate(translated):
        normal = unicodedata.normalize("NFKC", char) or char
        if len(normal) == 1:
            normal = traditional_to_simplified().get(normal, normal)
        parts.append(normal)
        index_map.extend([position] * len(normal))
    return NormalizedText("".join(parts), text, tuple(index_map))


# A text cut into lines of one width, as text taken from a PDF is (桑海\n燕（出租人）): the
# line breaks inside its paragraphs are no part of it.  Wrapped when at least a third of its
# lines, and five or more, are of one length of fifteen characters or more.
_WRAPPED_LINES = 5
_WRAPPED_SHARE = 1 / 3
_NARROWEST = 15
_PARAGRAPH_ENDS = frozenset("。！？!?")


def without_layout(norm: NormalizedText) -> NormalizedText:
    """``norm`` without what only lays it out: the carriage return of each CRLF line end
    (text saved on Windows), the spaces that indent its paragraphs or set its characters
    apart (``_letter_spaces``), and the line breaks that wrap its paragraphs when its lines
    are cut to one width (``_wrap_breaks``).  Offsets still map to the original text."""
    text = norm.text
    if "\r" in text:
        norm = _without(
            norm, {i for i, char in enumerate(text) if char == "\r" and text[i + 1 : i + 2] == "\n"}
        )
    norm = _without(norm, _indents(norm.text) | _letter_spaces(norm.text))
    return _without(norm, _wrap_breaks(norm.text))


# A text whose characters are set apart by spaces, as some PDF extraction gives it (被 告 人
# 张 三 ， 男): most pairs of Chinese characters apart, few together.
_SPACED_PAIR = re.compile(
    "(?<=[\u4e00-\u9fff]) (?=[^\\sA-Za-z])|(?<=[^\\sA-Za-z]) (?=[\u4e00-\u9fff])"
)
_CJK_PAIR = re.compile("[\u4e00-\u9fff]{2}")
_SPACED_SHARE = 3
_SPACED_LEAST = 20


def _letter_spaces(text: str) -> set[int]:
    """The single spaces beside a Chinese character (no Latin letter on the other side: a
    table's figures stay apart) of a text whose characters are set apart (``_SPACED_PAIR`` at
    least three times as often as two Chinese characters together), else none."""
    if " " not in text:
        return set()
    spaced = [match.start() for match in _SPACED_PAIR.finditer(text)]
    if len(spaced) < _SPACED_LEAST or len(spaced) < _SPACED_SHARE * len(_CJK_PAIR.findall(text)):
        return set()
    return set(spaced)


def _indents(text: str) -> set[int]:
    """The positions of the spaces that indent a paragraph (a line's leading spaces, full-
    width 　　 as courts indent them), so a line read from its start opens with its words."""
    if "\n" not in text and text[:1] not in _INDENTING:  # (the pattern has no prefix to skip by)
        return set()
    return {
        match.start() + offset
        for match in _INDENT.finditer(text)
        for offset in range(len(match.group()))
    }


_INDENTING = " \t\u3000"
_INDENT = re.compile(f"(?<=\n)[{_INDENTING}]+|^[{_INDENTING}]+")


def _wrap_breaks(text: str) -> set[int]:
    """The positions of the line breaks that wrap ``text``'s paragraphs, when its lines are
    cut to one width: a break after a line of that width or wider, before a line that goes
    on (no space at its start) and after no sentence's end."""
    if text.count("\n") < _WRAPPED_LINES:
        return set()
    lines = text.split("\n")
    lengths = Counter(len(line) for line in lines[:-1] if line)
    if not lengths:
        return set()
    width, count = lengths.most_common(1)[0]
    if width < _NARROWEST or count < _WRAPPED_LINES or count < _WRAPPED_SHARE * len(lines):
        return set()
    breaks = set()
    position = 0
    for line in lines[:-1]:
        end = position + len(line)
        following = text[end + 1 : end + 2]
        if len(line) >= width and line[-1] not in _PARAGRAPH_ENDS and following.strip():
            breaks.add(end)
        position = end + 1
    return breaks


def _without(norm: NormalizedText, positions: set[int]) -> NormalizedText:
    """``norm`` less the characters at ``positions`` of its text, offsets mapped through."""
    if not positions:
        return norm
    kept = [i for i in range(len(norm.text)) if i not in positions]
    index_map = norm.index_map
    return NormalizedText(
        "".join(norm.text[i] for i in kept),
        norm.original,
        tuple(index_map[i] if index_map is not None else i for i in kept),
    )
