"""spaCy ``DocBin``: a ``.spacy`` file, or a ZIP of them (as Wanbiao exports entities), read
document by document.

A document's text is ``doc.text``; its spans are the span group ``sc`` when the document has
one (every span, overlapping ones too, as Wanbiao writes them), else ``doc.ents``, as
``[start_char, end_char, label]``. Its ``user_data`` (kept when the DocBin was saved with
``store_user_data``) gives the metadata: the fields of ``meta`` and every other string key
but Wanbiao's own ``item_id``, ``source_id`` as the vendor's id. A file that is not a DocBin
fails the whole corpus, naming the file and the document's position.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import IO, Any

from app.corpora.annotations_in.shapes import OWN_FIELDS
from app.corpora.documents.reader import is_junk_member
from app.corpora.formats import LineError, Record

#: Below this size the upload is read in memory, above it spooled to a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024
#: Largest DocBin file, and largest inflated msgpack of one (Wanbiao writes 5,000 documents
#: per file, a few MB): larger ones are refused before they fill the worker's memory.
MAX_DOCBIN_BYTES = 256 * 1024 * 1024


class _TooLarge(Exception):
    pass


def _spans(doc: Any) -> list[list[Any]]:
    group = doc.spans["sc"] if "sc" in doc.spans else doc.ents
    spans = [[span.start_char, span.end_char, span.label_] for span in group]
    return sorted(spans, key=lambda s: (s[0], s[1], s[2]))


def _meta(user_data: dict[Any, Any]) -> dict[str, Any] | None:
    meta: dict[str, Any] = {}
    for key, value in user_data.items():
        if isinstance(key, str) and key not in OWN_FIELDS and key != "meta":
            meta[key] = value
    if isinstance(user_data.get("meta"), dict):
        meta |= user_data["meta"]
    return meta or None


def _shards(raw: IO[bytes]) -> Iterator[tuple[str | None, bytes]]:
    """(member name or None for a lone file, its bytes) of each DocBin, in name order."""
    raw.seek(0)
    if not zipfile.is_zipfile(raw):
        raw.seek(0)
        yield None, raw.read()
        return
    raw.seek(0)
    with zipfile.ZipFile(raw) as archive:
        names = sorted(
            n for n in archive.namelist() if not n.endswith("/") and not is_junk_member(n)
        )
        for name in names:
            if archive.getinfo(name).file_size > MAX_DOCBIN_BYTES:
                raise _TooLarge(name)
            yield name, archive.read(name)


def _documents(data: bytes) -> list[Any]:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    inflate = zlib.decompressobj()
    inflate.decompress(data, MAX_DOCBIN_BYTES)
    if inflate.unconsumed_tail:
        raise _TooLarge
    return list(DocBin(store_user_data=True).from_bytes(data).get_docs(Vocab()))


def _read(raw: IO[bytes]) -> Iterator[Record | LineError]:
    number, member, shards = 0, None, _shards(raw)
    while True:
        try:
            member, data = next(shards, (member, None))
            if data is None:
                return
            docs = _documents(data)
        except _TooLarge as large:
            name = str(large.args[0]) if large.args else member
            yield LineError(number + 1, "spacy_too_large", member=name)
            return
        except Exception:  # noqa: BLE001 - spaCy and msgpack raise many kinds on bad bytes
            yield LineError(number + 1, "spacy_docbin", member=member)
            return
        for doc in docs:
            number += 1
            if not doc.text.strip():
                yield LineError(number, "empty_text", member=member)
                continue
            yield Record(number, doc.text, _meta(doc.user_data), {"spans": _spans(doc)})


def parse_docbin(chunks: Iterable[bytes]) -> Iterator[Record | LineError]:
    """One record per document, numbered across the files; an error names the file (the
    ZIP member) and the document's number."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as raw:
        for chunk in chunks:
            raw.write(chunk)
        yield from _read(raw)
