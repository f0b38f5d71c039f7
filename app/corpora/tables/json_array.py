"""A JSON array of objects read element by element, never whole (RFC 8259 text in UTF-8).

Each element is parsed with :meth:`json.JSONDecoder.raw_decode` from a buffer that holds
only the part of the file not yet consumed; an element that is not complete yet gets more
bytes, up to ``MAX_LINE_BYTES`` characters. An element that is not an object is a line
error; broken JSON ends the reading (the rest cannot be split into elements) with an
error on the line where the broken element starts.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator

from app.corpora.formats import MAX_LINE_BYTES, LineError
from app.corpora.tables.reading import Entry

_WHITESPACE = " \t\r\n"


class _Buffer:
    """Decoded text not consumed yet, refilled from the chunks, with line counting."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = iter(chunks)
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text, self.pos, self.line, self.eof = "", 0, 1, False

    def fill(self) -> bool:
        """Append the next chunk's text; False at the end of the file."""
        if self.eof:
            return False
        chunk = next(self.chunks, None)
        self.eof = chunk is None
        self.text = self.text[self.pos :] + self.decoder.decode(chunk or b"", final=self.eof)
        self.pos = 0
        return not self.eof or bool(self.text)

    def skip_space(self) -> str:
        """The next character that is not whitespace ("" at the end), lines counted."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.line += self.text[self.pos] == "\n"
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if self.eof or not self.fill():
                return ""

    def advance(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end


def _element(buffer: _Buffer, decoder: json.JSONDecoder) -> object | LineError:
    """The next element, reading more text while it is incomplete."""
    while True:
        try:
            value, end = decoder.raw_decode(buffer.text, buffer.pos)
        except RecursionError:
            return LineError(buffer.line, "too_deep")
        except ValueError:
            value, end = None, -1
        if end != -1 and (end < len(buffer.text) or buffer.eof):
            buffer.advance(end)
            found: object = value
            return found
        if len(buffer.text) - buffer.pos > MAX_LINE_BYTES:
            return LineError(buffer.line, "line_too_long")
        if buffer.eof or not buffer.fill():
            return LineError(buffer.line, "invalid_json")


def json_array_rows(chunks: Iterable[bytes]) -> Iterator[Entry]:
    """(line where the element starts, object) per element of a top-level JSON array."""
    buffer = _Buffer(chunks)
    decoder = json.JSONDecoder()
    try:
        if buffer.skip_space() != "[":
            yield LineError(buffer.line, "not_array")
            return
        buffer.pos += 1
        if buffer.skip_space() == "]":
            return
        while True:
            line = buffer.line
            value = _element(buffer, decoder)
            if isinstance(value, LineError):
                yield value
                return
            yield (line, value) if isinstance(value, dict) else LineError(line, "not_object")
            after = buffer.skip_space()
            buffer.pos += 1
            if after == "]":
                return
            if after != ",":
                yield LineError(buffer.line, "invalid_json")
                return
            buffer.skip_space()
    except UnicodeDecodeError:
        yield LineError(buffer.line, "invalid_utf8")
