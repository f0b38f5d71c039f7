"""Streaming parsers that split an uploaded corpus into item texts.

Bytes in, records and per-line errors out, with bounded memory: a line longer than
``MAX_LINE_BYTES`` is reported and skipped without being kept.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

MAX_LINE_BYTES = 1024 * 1024
MAX_ERRORS_KEPT = 100
FORMATS = ("txt", "jsonl")

# First bytes of common binary formats; a text corpus never starts with them.
BINARY_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"PK\x03\x04",
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",
    b"II*\x00",
    b"MM\x00*",
    b"SIMPLE  =",
)


@dataclass(frozen=True)
class Record:
    """One item text and the line it starts on (1-based); ``meta`` what a document reader
    knows of it (title, source file name, …), kept on the item; ``preannotation`` another
    tool's answer (:mod:`app.corpora.annotations_in`)."""

    line: int
    text: str
    meta: dict[str, Any] | None = None
    preannotation: dict[str, Any] | None = None


@dataclass(frozen=True)
class LineError:
    """A problem on one line (or with one archive member, or in one column or field of a
    table's row); ``code`` is translated for display."""

    line: int
    code: str
    member: str | None = None
    field: str | None = None


def looks_binary(head: bytes) -> bool:
    """True when the first bytes are a known binary signature or contain NUL."""
    return head.startswith(BINARY_SIGNATURES) or b"\x00" in head


def iter_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """Split a byte stream into lines (LF or CRLF); an over-long line comes back as None.

    Each chunk is split in C (``bytes.split``); only a line crossing chunk boundaries is
    buffered, and never beyond ``MAX_LINE_BYTES``.
    """
    buffer = bytearray()
    overflow = False
    number = 1
    for chunk in chunks:
        pieces = chunk.split(b"\n")
        for piece in pieces[:-1]:
            if buffer or overflow:
                line = (
                    None
                    if overflow or len(buffer) + len(piece) > MAX_LINE_BYTES
                    else bytes(buffer + piece)
                )
                buffer.clear()
                overflow = False
            else:
                line = None if len(piece) > MAX_LINE_BYTES else piece
            yield number, None if line is None else line.removesuffix(b"\r")
            number += 1
        tail = pieces[-1]
        if not overflow:
            overflow = len(buffer) + len(tail) > MAX_LINE_BYTES
            if overflow:
                buffer.clear()
            else:
                buffer += tail
    if buffer or overflow:
        yield number, None if overflow else bytes(buffer).removesuffix(b"\r")


def _decode(number: int, raw: bytes, encoding: str = "utf-8") -> str | LineError:
    if number == 1:
        raw = raw.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in raw:
        return LineError(number, "nul_byte")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return LineError(number, "invalid_utf8" if encoding == "utf-8" else "unknown_encoding")


TEXT_MODES = ("paragraph", "line")  # how plain text splits into items


def parse_txt(
    chunks: Iterable[bytes], encoding: str = "utf-8", mode: str = "paragraph"
) -> Iterator[Record | LineError]:
    """Plain text: one record per paragraph (lines separated by blank lines), or with
    ``mode="line"`` one record per non-blank line.

    ``encoding`` is what ``sniff_encoding`` found (utf-8, utf-8-sig, gbk, gb18030): splitting
    on LF bytes is safe in all of them, as no GBK or GB18030 trail byte is 0x0A or 0x0D.
    """
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding  # line 1 drops the BOM
    paragraph: list[str] = []
    first_line = 0
    for number, raw in iter_lines(chunks):
        text = LineError(number, "line_too_long") if raw is None else _decode(number, raw, encoding)
        if isinstance(text, LineError):
            yield text
            continue
        if mode == "line":
            if text.strip():
                yield Record(number, text.strip())
        elif text.strip():
            if not paragraph:
                first_line = number
            paragraph.append(text.strip())
        elif paragraph:
            yield Record(first_line, "\n".join(paragraph))
            paragraph = []
    if paragraph:
        yield Record(first_line, "\n".join(paragraph))


# ``json.loads`` without its wrappers for the usual line, an object from its first
# character: the same C scanner, the same errors (``ValueError``, ``RecursionError``).
_SCAN_JSON: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_JSON_SPACE = " \t\n\r"


def _loads(text: str) -> Any:
    if text[:1] != "{":
        return json.loads(text)  # leading space, another kind of value or none
    try:
        value, end = _SCAN_JSON(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        raise ValueError("extra data after the JSON value")
    return value


def loads_json(text: str) -> Any:
    """``json.loads`` of one line (the same values and errors), faster for an object."""
    return _loads(text)


def _encoder() -> Callable[[Any], str]:
    # One C encoder for every call: ``json.dumps(value, ensure_ascii=False)`` builds a
    # JSONEncoder and a C encoder per call, which cost more than the encoding of a small
    # ``meta``. No circular-reference check: the values come from parsed files (a cycle
    # would end in RecursionError instead of ValueError).
    plain = json.JSONEncoder(ensure_ascii=False)
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # no C accelerator: the pure-Python encoder
        return plain.encode
    encode = c_make_encoder(
        None, plain.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(encode(value, 0))


#: ``json.dumps(value, ensure_ascii=False)``, the same text, without its per-call set-up.
dumps_json: Callable[[Any], str] = _encoder()


def _json_line(number: int, text: str) -> tuple[int, str] | LineError:
    try:
        value = _loads(text)
    except RecursionError:
        return LineError(number, "too_deep")
    except ValueError:
        return LineError(number, "invalid_json")
    if not isinstance(value, dict):
        return LineError(number, "not_object")
    item_text = value.get("text")
    if not isinstance(item_text, str):
        return LineError(number, "missing_text")
    if not item_text or item_text.isspace():
        return LineError(number, "empty_text")
    return number, item_text


def jsonl_texts(chunks: Iterable[bytes]) -> Iterator[tuple[int, str] | LineError]:
    """JSON Lines as plain ``(line, text)`` pairs: ``parse_jsonl`` without a ``Record`` per
    line, for the ingestion's hot loop (a line is decoded and parsed once, in C)."""
    for number, raw in iter_lines(chunks):
        if raw is None:
            yield LineError(number, "line_too_long")
            continue
        if number == 1 or b"\x00" in raw:
            text = _decode(number, raw)
            if isinstance(text, LineError):
                yield text
                continue
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield LineError(number, "invalid_utf8")
                continue
        if text and not text.isspace():  # blank lines are skipped
            yield _json_line(number, text)


def parse_jsonl(chunks: Iterable[bytes]) -> Iterator[Record | LineError]:
    """JSON Lines: one record per non-blank line, each an object with a string ``text``."""
    for entry in jsonl_texts(chunks):
        yield entry if isinstance(entry, LineError) else Record(*entry)


Parser = Callable[[Iterable[bytes]], Iterator[Record | LineError]]
PARSERS: dict[str, Parser] = {"txt": parse_txt, "jsonl": parse_jsonl}
