"""Which other tool's export an upload is, from its bytes (the file name plays no part).

- Label Studio JSON: a JSON array whose first element is an object with an object ``data``
  and ``annotations`` or ``predictions``;
- doccano JSONL: the first line an object with a string ``text`` and ``label``, ``labels``
  or ``entities`` holding a list;
- CoNLL / BIO: every complete line of the head a ``token … TAG`` line (at least three);
- ZIP: pictures with a ``.json`` (COCO), ``.xml`` (Pascal VOC), or ``.txt`` labels with
  ``classes.txt`` or ``data.yaml`` (YOLO).

Anything else is left to the corpus formats (None).
"""

from __future__ import annotations

import json
import posixpath
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


def archive_format(names: list[str]) -> str | None:
    """``coco``, ``voc`` or ``yolo`` for a ZIP of pictures with box files; None otherwise."""
    names = [n for n in names if not n.endswith("/") and not is_junk_member(n)]
    lower = [n.lower() for n in names]
    if not any(n.endswith((".png", ".jpg", ".jpeg")) for n in lower):
        return None
    bases = {posixpath.basename(n) for n in lower}
    if ("classes.txt" in bases or "data.yaml" in bases) and any(
        n.endswith(".txt") and posixpath.basename(n) != "classes.txt" for n in lower
    ):
        return "yolo"
    if any(n.endswith(".json") for n in lower):
        return "coco"
    if any(n.endswith(".xml") for n in lower):
        return "voc"
    return None
