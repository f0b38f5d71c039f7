"""CoNLL-2003 / BIO: one ``token … TAG`` line per token (the token first, the tag last, any
columns between ignored), a blank line after each sentence; ``-DOCSTART-`` lines are skipped.

Each sentence becomes an item. CoNLL keeps no whitespace, so the text is rebuilt: tokens of
one character each (Chinese, as Wanbiao and the Chinese NER corpora write them) are joined
without spaces, longer tokens (English CoNLL-2003) with one space. Tags are ``O``, ``B-``,
``I-``, ``E-``, ``S-`` (BIO, IOB1 and BIOES): an ``I-`` that does not continue a span of its
label starts one. Spans are character offsets in the rebuilt text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.corpora.annotations_in.shapes import RecordError
from app.corpora.formats import LineError, Record, _decode, iter_lines

TAG = re.compile(r"O|[BIESM]-\S+")
DOCSTART = "-DOCSTART-"


def sentence_record(line: int, tokens: list[tuple[str, str]]) -> Record:
    """The item of one sentence: its rebuilt text and ``{"spans": …}``."""
    joiner = "" if all(len(token) == 1 for token, _ in tokens) else " "
    text, spans, open_span = "", [], None
    for token, tag in tokens:
        if text:
            text += joiner
        start = len(text)
        text += token
        prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", "")
        continues = open_span is not None and prefix in "IEM" and open_span[2] == label
        if continues and open_span is not None:
            open_span[1] = len(text)
        elif prefix != "O":
            open_span = [start, len(text), label]
            spans.append(open_span)
        if prefix in "OES":
            open_span = None
    return Record(line, text, None, {"spans": spans})


def _token(line: str) -> tuple[str, str]:
    columns = line.split()
    if len(columns) < 2:
        raise RecordError("conll_line")
    if not TAG.fullmatch(columns[-1]):
        raise RecordError("conll_tag")
    return columns[0], columns[-1]


def _lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, str] | LineError]:
    for number, raw in iter_lines(chunks):
        line = LineError(number, "line_too_long") if raw is None else _decode(number, raw)
        yield line if isinstance(line, LineError) else (number, line.strip())


def parse_conll(chunks: Iterable[bytes]) -> Iterator[Record | LineError]:
    """One record per sentence; errors by line number."""
    tokens: list[tuple[str, str]] = []
    first = 0
    for entry in _lines(chunks):
        if isinstance(entry, LineError):
            yield entry
            continue
        number, line = entry
        if not line or line.startswith(DOCSTART):
            if tokens:
                yield sentence_record(first, tokens)
            tokens = []
            continue
        try:
            token = _token(line)
        except RecordError as error:
            yield LineError(number, error.code)
            continue
        first = first if tokens else number
        tokens.append(token)
    if tokens:
        yield sentence_record(first, tokens)


def looks_like_conll(lines: list[str]) -> bool:
    """True when nine in ten of the complete lines of a file's head (at least three, blank
    lines and ``-DOCSTART-`` aside) are CoNLL token lines: a few bad lines are then reported
    by line number rather than taking the file for plain text."""
    tokens = [ln.strip() for ln in lines if ln.strip() and not ln.startswith(DOCSTART)]
    good = sum(1 for ln in tokens if _is_token(ln))
    return good >= 3 and good >= 0.9 * len(tokens)


def _is_token(line: str) -> bool:
    try:
        _token(line)
    except RecordError:
        return False
    return True
