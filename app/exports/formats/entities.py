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
from functools import cache
from typing import IO, Any

from app.exports.formats.base import Batches, ExportRecord, ProjectShape, merged_fields

Span = tuple[int, int, str]
#: Documents per ``.spacy`` file: spaCy reads a folder of them as one corpus, and a file
#: is built in memory, so a million items are written as many small files.
SPACY_DOCS_PER_FILE = 5_000
#: Tokens (characters) per ``.spacy`` file, so a file of long documents is small too: each
#: token is 3 uint64 while the file is built, and ``DocBin.to_bytes`` copies them about
#: three times (a document longer than this is a file of its own).
SPACY_TOKENS_PER_FILE = 500_000
#: What the files keep of each token: its text and its entity tag (all Wanbiao's documents
#: have; no tags, lemmas or parses), with ``user_data`` and the span groups beside them.
SPACY_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE")


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
    from spacy.tokens import Span as DocSpan

    # One token per character: a character offset is a token index.
    return [DocSpan(doc, start, end, label=label) for start, end, label in spans]


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


@cache
def _entity_docbin_class() -> Any:
    """``DocBin`` whose ``add`` takes the strings from the token array (one lookup per
    distinct text or entity label), not from a ``Token`` object per token and nine of its
    attributes as spaCy's does: the same documents back, at several times the speed. The
    class is made on first use, so that importing this module does not import spaCy."""
    import numpy
    import srsly  # type: ignore[import-untyped]
    from spacy.attrs import ENT_TYPE, ORTH, SPACY
    from spacy.tokens import DocBin

    class EntityDocBin(DocBin):
        def __init__(self) -> None:
            super().__init__(attrs=SPACY_ATTRS, store_user_data=True)
            self.hashed = [self.attrs.index(ORTH), self.attrs.index(ENT_TYPE)]
            self.tokens_held = 0

        def add(self, doc: Any) -> None:
            array = doc.to_array(self.attrs)
            self.tokens.append(array)
            spaces = doc.to_array(SPACY).reshape((len(doc), 1))
            self.spaces.append(numpy.asarray(spaces, dtype=bool))
            self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
            strings = doc.vocab.strings
            for column in self.hashed:
                self.strings.update(strings[int(key)] for key in set(array[:, column]))
            self.cats.append(doc.cats)
            self.user_data.append(srsly.msgpack_dumps(doc.user_data))
            self.span_groups.append(doc.spans.to_bytes())
            for group in doc.spans.values():
                self.strings.update(span.label_ for span in group)
            self.tokens_held += len(doc)

    return EntityDocBin


class _SpacyFiles:
    """The ZIP's ``.spacy`` files, ``part-00001.spacy`` …, one ``DocBin`` in memory at a
    time: a file is written once it holds :data:`SPACY_DOCS_PER_FILE` documents or the
    next document would take it past :data:`SPACY_TOKENS_PER_FILE` tokens."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive, self.written = archive, 0
        self.docbin = _entity_docbin_class()()

    def add(self, doc: Any) -> None:
        held = len(self.docbin)
        if held and (
            held >= SPACY_DOCS_PER_FILE
            or self.docbin.tokens_held + len(doc) > SPACY_TOKENS_PER_FILE
        ):
            self.flush()
        self.docbin.add(doc)

    def flush(self) -> None:
        self.written += 1
        self.archive.writestr(f"part-{self.written:05d}.spacy", self.docbin.to_bytes())
        self.docbin = _entity_docbin_class()()

    def close(self) -> None:
        """Write the last file (an empty one when there were no documents at all)."""
        if len(self.docbin) or not self.written:
            self.flush()


@contextmanager
def _msgpack_encoders_read_once() -> Iterator[None]:
    """srsly collects its msgpack encoders (a scan of every registered function and of the
    installed packages' entry points, about 4 ms) on every pack, several times per
    document; while writing, the encoders collected once at the start are used, so the
    bytes are the same at many times the speed."""
    import srsly

    registry = srsly.msgpack_encoders
    found = registry.get_all()
    registry.get_all = lambda: found
    try:
        yield
    finally:
        del registry.get_all


def write_spacy(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """A ZIP of ``.spacy`` files (``DocBin`` of :data:`SPACY_ATTRS`, user data kept), each
    at most :data:`SPACY_DOCS_PER_FILE` documents and, but for one long document,
    :data:`SPACY_TOKENS_PER_FILE` tokens: unzip and pass the folder to ``spacy train``."""
    from spacy.vocab import Vocab

    vocab = Vocab()
    with _msgpack_encoders_read_once(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        files = _SpacyFiles(archive)
        for batch in batches:
            for record in batch:
                if record.decided() is not None and record.text:
                    files.add(spacy_doc(vocab, record))
        files.close()
