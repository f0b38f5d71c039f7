"""Plain text in UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK or GB18030, detected strictly.

The cascade never guesses from statistics: a byte-order mark decides first, then strict UTF-8,
then strict GBK, then strict GB18030 (GB 18030-2005, a superset of GBK and GB 2312). Text that
none of them decodes is refused with the line and byte of the first invalid UTF-8 sequence.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

from app.corpora.documents.model import Document, DocumentRefused, make_document

TEXT_MODES = ("paragraph", "line")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n\s*")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of text; returns ``(text, encoding)``.

    ``encoding`` is one of utf-8-sig, utf-16, utf-8, gbk, gb18030. Raises
    DocumentRefused("binary_content") for NUL bytes outside UTF-16 and
    DocumentRefused("unknown_encoding") when no encoding of the cascade fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DocumentRefused("unknown_encoding", f"{encoding} byte {exc.start}") from None
    if b"\x00" in data:
        raise DocumentRefused("binary_content")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc.start
    for encoding in ("gbk", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    line = data.count(b"\n", 0, first_error) + 1
    raise DocumentRefused("unknown_encoding", f"line {line}, byte {first_error}")


def split_paragraphs(text: str, mode: str = "paragraph") -> list[str]:
    """Paragraphs of a text: blocks between blank lines, or every non-blank line (``line``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if mode == "line":
        return [line for line in text.split("\n") if line.strip()]
    if mode != "paragraph":
        raise ValueError(f"text mode {mode!r} is not one of {TEXT_MODES}")
    return [block for block in _BLANK_LINES.split(text) if block.strip()]


def read_text(data: bytes, source_name: str, mode: str = "paragraph") -> Document:
    """A text file as a Document; the title is its first non-blank line."""
    text, encoding = decode_text(data)
    return make_document(split_paragraphs(text, mode), source_name, "txt", encoding=encoding)


class EncodingSniffer:
    """The text cascade over a stream: chunks go to strict incremental decoders of UTF-8, GBK
    and GB18030 at once, and the first that never failed is the encoding.

    A UTF-8 byte-order mark settles it as ``utf-8-sig``. ``utf8_error_line`` is the line of
    the first byte that is not UTF-8 (for the message when nothing fits).
    """

    ORDER = ("utf-8", "gbk", "gb18030")

    def __init__(self) -> None:
        self.decoders = {name: codecs.getincrementaldecoder(name)() for name in self.ORDER}
        self.bom: bool | None = None
        self.lines = 1
        self.utf8_error_line: int | None = None

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Decode one more chunk with every surviving decoder (``final`` on the last)."""
        if self.bom is None and (chunk or final):
            self.bom = chunk.startswith(codecs.BOM_UTF8)
            if self.bom:
                self.decoders = {"utf-8": self.decoders["utf-8"]}
        for name, decoder in list(self.decoders.items()):
            try:
                decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                del self.decoders[name]
                if name == "utf-8":
                    self.utf8_error_line = self.lines + chunk.count(b"\n", 0, exc.start)
        self.lines += chunk.count(b"\n")

    @property
    def encoding(self) -> str | None:
        """The encoding found so far (None when no decoder of the cascade fits)."""
        for name in self.ORDER:
            if name in self.decoders:
                return "utf-8-sig" if self.bom and name == "utf-8" else name
        return None


def sniff_encoding(chunks: Iterable[bytes]) -> tuple[str | None, int | None]:
    """Run the cascade over a whole stream: ``(encoding or None, first non-UTF-8 line)``."""
    sniffer = EncodingSniffer()
    for chunk in chunks:
        sniffer.feed(chunk)
        if not sniffer.decoders:
            break
    sniffer.feed(b"", final=True)
    return sniffer.encoding, sniffer.utf8_error_line
