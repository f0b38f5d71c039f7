"""Which other tool's export an upload is, from its bytes (the file name plays no part).

- Label Studio JSON: a JSON array whose first element is an object with an object ``data``
  and ``annotations`` or ``predictions``;
- doccano JSONL: the first line an object with a string ``text`` and ``label``, ``labels``
  or ``entities`` holding a list;
- CoNLL / BIO: every complete line of the head a ``token … TAG`` line (at least three);
- spaCy ``DocBin``: zlib-compressed msgpack whose map starts with ``version`` and ``attrs``,
  alone or as the members of a ZIP (Wanbiao's export);
- ZIP: pictures with a ``.json`` (COCO, or Label Studio when it is a JSON array of tasks),
  ``.xml`` (Pascal VOC), or ``.txt`` labels with ``classes.txt`` or ``data.yaml`` (YOLO).

Anything else is left to the corpus formats (None).
"""

from __future__ import annotations

import json
import posixpath
import zipfile
import zlib
from typing import IO

from app.corpora.annotations_in.conll import looks_like_conll
from app.corpora.annotations_in.doccano import LABEL_FIELDS
from app.corpora.annotations_in.shapes import json_array
from app.corpora.documents.reader import is_junk_member

#: How far into a JSON array the first task may end and still be recognised.
LABEL_STUDIO_SNIFF = 1024 * 1024


def _is_label_studio(stream: IO[bytes]) -> bool:
    stream.seek(0)
    head = stream.read(LABEL_STUDIO_SNIFF)
    try:
        first = next(json_array([head]), None)
    except RecursionError:
        return False
    return (
        isinstance(first, dict)
        and isinstance(first.get("data"), dict)
        and ("annotations" in first or "predictions" in first)
    )


def is_docbin(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) begins a spaCy ``DocBin``: zlib data
    inflating to a msgpack map whose first keys are ``version`` and ``attrs``."""
    if not head.startswith(b"\x78"):
        return False
    try:
        start = zlib.decompressobj().decompress(head, 64)
    except zlib.error:
        return False
    is_map = bool(start) and (0x80 <= start[0] <= 0x8F or start[0] == 0xDE)
    return is_map and start[1:9] == b"\xa7version" and b"\xa5attrs" in start


def _member_head(stream: IO[bytes], name: str, size: int) -> bytes:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive, archive.open(name) as member:
            return member.read(size)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError, zlib.error):
        return b""


def _is_label_studio_head(head: bytes) -> bool:
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"[":
        return False
    try:
        first = next(json_array([head]), None)
    except RecursionError:
        return False
    return isinstance(first, dict) and isinstance(first.get("data"), dict)


def _is_doccano(head: bytes) -> bool:
    line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(value, dict)
        and isinstance(value.get("text"), str)
        and any(isinstance(value.get(name), list) for name in LABEL_FIELDS)
    )


def text_format(head: bytes, stream: IO[bytes]) -> str | None:
    """``lsjson``, ``doccano`` or ``conll`` for a text upload whose head is ``head``; None
    for other text. Moves the stream's position."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"[" and _is_label_studio(stream):
        return "lsjson"
    if start == b"{" and _is_doccano(head):
        return "doccano"
    try:
        lines = head.decode("utf-8-sig").split("\n")[:-1]  # the last line may be cut
    except UnicodeDecodeError:
        return None
    return "conll" if looks_like_conll(lines) else None


def archive_format(names: list[str], stream: IO[bytes] | None = None) -> str | None:
    """``coco``, ``voc``, ``yolo`` or ``lsboxes`` for a ZIP of pictures with box files,
    ``spacy`` for a ZIP of ``DocBin`` files; None otherwise. The members' bytes are read
    from ``stream`` (when given) to tell a Label Studio JSON from COCO and to find DocBins;
    moves the stream's position."""
    names = [n for n in names if not n.endswith("/") and not is_junk_member(n)]
    lower = [n.lower() for n in names]
    if stream is not None and names and all(n.endswith(".spacy") for n in lower):
        return "spacy" if is_docbin(_member_head(stream, names[0], 512)) else None
    if not any(n.endswith((".png", ".jpg", ".jpeg")) for n in lower):
        return None
    bases = {posixpath.basename(n) for n in lower}
    if ("classes.txt" in bases or "data.yaml" in bases) and any(
        n.endswith(".txt") and posixpath.basename(n) != "classes.txt" for n in lower
    ):
        return "yolo"
    jsons = [name for name, low in zip(names, lower, strict=True) if low.endswith(".json")]
    if jsons and stream is not None:
        head = _member_head(stream, jsons[0], LABEL_STUDIO_SNIFF)
        return "lsboxes" if _is_label_studio_head(head) else "coco"
    if jsons:
        return "coco"
    if any(n.endswith(".xml") for n in lower):
        return "voc"
    return None
