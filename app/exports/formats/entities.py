"""Entities: CoNLL-2003 BIO, doccano JSONL and spaCy ``DocBin``.

Chinese has no spaces between words, so a token is one character (the way Chinese NER
corpora such as MSRA and People's Daily are distributed). These are training files: they
hold the items with a final answer; items still waiting for review are left out (the JSON
Lines, CSV and Label Studio exports list every item). Nested spans (projects that allow
overlaps) cannot be told apart in BIO tags nor in ``doc.ents``: there the longest span,
then the first, wins; doccano and spaCy's span groups keep every span. An item imported with
another tool's spans and no final answer yet is written with those (``ExportRecord.decided``);
doccano lines carry the item's metadata back as fields of their own."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from app.exports.formats.base import Batches, ExportRecord, ProjectShape, merged_fields

Span = tuple[int, int, str]
#: Documents per ``.spacy`` file: spaCy reads a folder of them as one corpus, and a file
#: is built in memory, so a million items are written as many small files.
SPACY_DOCS_PER_FILE = 5_000


def _spans(answer: dict[str, Any] | None) -> list[Span]:
    return [(int(s), int(e), str(label)) for s, e, label in (answer or {}).get("spans", [])]


def flat_spans(spans: list[Span]) -> list[Span]:
    """Spans without overlaps: longest first, then leftmost; returned in text order."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= other[0] or other[1] <= span[0] for other in kept):
            kept.append(span)
    return sorted(kept)


def bio_lines(text: str, spans: list[Span]) -> list[str]:
    """``<character> <tag>`` per character; whitespace characters are not tokens, and
    whitespace inside a label becomes ``_`` (columns are separated by a space)."""
    tags = ["O"] * len(text)
    for start, end, label in flat_spans(spans):
        name = "_".join(label.split())
        tags[start] = f"B-{name}"
        for position in range(start + 1, end):
            tags[position] = f"I-{name}"
    return [f"{char} {tag}" for char, tag in zip(text, tags, strict=True) if not char.isspace()]


def write_conll(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """CoNLL-2003 style, plain (no ``-DOCSTART-``, no POS or chunk columns): a blank line
    after each item."""
    for batch in batches:
        blocks = [
            "\n".join(lines) + "\n\n"
            for record in batch
            if record.decided() is not None
            and (lines := bio_lines(record.text, _spans(record.decided())))
        ]
        out.write("".join(blocks).encode("utf-8"))


def doccano_line(record: ExportRecord) -> str:
    """doccano's sequence-labelling JSONL: ``text`` and ``label`` ([start, end, label],
    character offsets, end exclusive), with the item id and each expert's spans, and the
    vendor's ``source_id`` and metadata fields beside them (doccano keeps extra keys as
    metadata)."""
    line = {
        "item_id": record.item_id,
        "text": record.text,
        "label": [list(span) for span in _spans(record.decided())],
        "experts": [
            {"name": name, "label": [list(span) for span in _spans(answer)]}
            for name, answer in record.answers
        ],
    }
    return json.dumps(merged_fields(line, record), ensure_ascii=False)


def write_doccano(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """One JSON object per line per item with a final answer."""
    for batch in batches:
        lines = [doccano_line(r) + "\n" for r in batch if r.decided() is not None]
        out.write("".join(lines).encode("utf-8"))


def _doc_spans(doc: Any, spans: list[Span]) -> list[Any]:
    # One token per character: every span with start < end lines up with tokens.
    return [doc.char_span(start, end, label=label) for start, end, label in spans]


def spacy_doc(vocab: Any, record: ExportRecord) -> Any:
    """A ``Doc`` of one token per character (so ``doc.text`` is the item's text exactly),
    the final spans as ``doc.ents`` and ``doc.spans["sc"]``, each expert's spans as
    ``doc.spans[<expert name>]``, and ``doc.user_data`` ``item_id``, ``source_id`` and
    ``meta`` (the metadata fields)."""
    from spacy.tokens import Doc

    doc = Doc(vocab, words=list(record.text), spaces=[False] * len(record.text))
    final = _spans(record.decided())
    doc.ents = _doc_spans(doc, flat_spans(final))
    doc.spans["sc"] = _doc_spans(doc, final)
    for name, answer in record.answers:
        doc.spans[name] = _doc_spans(doc, _spans(answer))
    doc.user_data["item_id"] = record.item_id
    if record.source_id is not None:
        doc.user_data["source_id"] = record.source_id
    if record.meta:
        doc.user_data["meta"] = record.meta
    return doc


@contextmanager
def _msgpack_encoders_read_once() -> Iterator[None]:
    """srsly collects its msgpack encoders (a scan of every registered function and of the
    installed packages' entry points, about 4 ms) on every pack, several times per
    document; while writing, the encoders collected once at the start are used, so the
    bytes are the same at many times the speed."""
    import srsly  # type: ignore[import-untyped]

    registry = srsly.msgpack_encoders
    found = registry.get_all()
    registry.get_all = lambda: found
    try:
        yield
    finally:
        del registry.get_all


def write_spacy(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """A ZIP of ``.spacy`` files (``DocBin``, user data kept), each at most
    :data:`SPACY_DOCS_PER_FILE` documents: unzip and pass the folder to ``spacy train``."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    vocab = Vocab()
    with _msgpack_encoders_read_once(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        shard, written = DocBin(store_user_data=True), 0
        for batch in batches:
            for record in batch:
                if record.decided() is None or not record.text:
                    continue
                shard.add(spacy_doc(vocab, record))
                if len(shard) == SPACY_DOCS_PER_FILE:
                    written += 1
                    archive.writestr(f"part-{written:05d}.spacy", shard.to_bytes())
                    shard = DocBin(store_user_data=True)
        if len(shard) or not written:
            archive.writestr(f"part-{written + 1:05d}.spacy", shard.to_bytes())
