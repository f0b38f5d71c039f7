"""What every reader checks the same way: spans against their text, the extra fields kept as
metadata, and a streamed JSON array read element by element."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import Any

#: Wanbiao's own fields in its exports: never read back as the vendor's metadata.
OWN_FIELDS = frozenset({"item_id", "experts"})
#: Largest single record of a JSON array (a Label Studio task).
MAX_RECORD_CHARS = 16 * 1024 * 1024


class RecordError(ValueError):
    """A record that cannot be read; ``code`` names why (see ``rule_messages``), ``where``
    the file and line inside an archive when the reader knows them."""

    def __init__(self, code: str, where: str | None = None) -> None:
        super().__init__(code)
        self.code, self.where = code, where


def checked_span(text: str, start: object, end: object, label: object) -> list[Any]:
    """``[start, end, label]`` when the offsets are integers with 0 <= start < end <=
    len(text) and the label a non-empty string; RecordError otherwise."""
    if (
        not isinstance(start, int)
        or not isinstance(end, int)
        or isinstance(start, bool)
        or isinstance(end, bool)
        or not isinstance(label, str)
        or not label.strip()
    ):
        raise RecordError("bad_span")
    if not 0 <= start < end <= len(text):
        raise RecordError("span_out_of_range")
    return [start, end, label.strip()]


def extra_fields(record: dict[str, Any], used: Iterable[str]) -> dict[str, Any] | None:
    """The fields of ``record`` other than ``used`` and Wanbiao's own, ``id`` kept as
    ``source_id`` (unless the record has one); None when nothing is left."""
    skip = set(used) | OWN_FIELDS | {"id"}
    meta = {key: value for key, value in record.items() if key not in skip}
    if "id" in record and "source_id" not in meta:
        meta["source_id"] = record["id"]
    return meta or None


def _decoded(chunks: Iterable[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


class _Text:
    """Decoded text read on demand, with the consumed part dropped."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.pieces, self.buffer, self.at, self.done = _decoded(chunks), "", 0, False

    def more(self) -> bool:
        piece = next(self.pieces, None)
        if piece is None:
            self.done = True
            return False
        self.buffer = self.buffer[self.at :] + piece
        self.at = 0
        return True

    def skip_space(self, also: str = "") -> str:
        """The next character that is not whitespace (nor in ``also``); "" at the end."""
        while True:
            while self.at < len(self.buffer) and self.buffer[self.at] in " \t\r\n" + also:
                self.at += 1
            if self.at < len(self.buffer) or not self.more():
                return self.buffer[self.at : self.at + 1]


def _element(text: _Text, decoder: json.JSONDecoder) -> Any:
    while True:
        try:
            value, end = decoder.raw_decode(text.buffer, text.at)
        except ValueError as exc:
            if len(text.buffer) - text.at > MAX_RECORD_CHARS:
                raise RecordError("record_too_large") from None
            # Read on until the buffer has doubled, so a long record is parsed few times.
            wanted = 2 * (len(text.buffer) - text.at) + 65536
            grew = False
            while len(text.buffer) - text.at < wanted and text.more():
                grew = True
            if not grew:
                raise RecordError("invalid_json") from exc
            continue
        except RecursionError:
            raise RecordError("too_deep") from None
        text.at = end
        return value


def json_array(chunks: Iterable[bytes]) -> Iterator[Any | RecordError]:
    """The elements of a top-level JSON array, one at a time (never the whole array in
    memory); an element that cannot be read comes as its RecordError and ends the array."""
    text, decoder = _Text(chunks), json.JSONDecoder()
    if text.skip_space() != "[":
        yield RecordError("not_an_array")
        return
    text.at += 1
    first = True
    while True:
        head = text.skip_space()
        if head == "]":
            return
        if not first:
            if head != ",":
                yield RecordError("invalid_json")
                return
            text.at += 1
            text.skip_space()
        first = False
        try:
            yield _element(text, decoder)
        except RecordError as error:
            yield error
            return
