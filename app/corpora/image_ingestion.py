"""Ingestion of image corpora (a PNG, a JPEG, or a ZIP of them): all or nothing.

Every member is checked (:mod:`app.corpora.images`); its original and preview are stored
under keys derived from its SHA-256, so a re-run after a crash rewrites the same objects. Items
are inserted only when every member passed; a refused corpus leaves no object behind.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from flask import current_app

from app.corpora.annotations_in import PICTURE_FORMATS
from app.corpora.images import ArchiveRefused, CheckedImage, archive_members, check_image
from app.corpora.picture_tables import is_picture_table, read_picture_table
from app.models import Corpus
from app.storage import ObjectStore

# Pictures with another tool's boxes (COCO, VOC, YOLO) are image corpora too.
IMAGE_FORMATS = ("png", "jpg", "jpeg", "zip", *PICTURE_FORMATS)
SPOOL_BYTES = 16 * 1024 * 1024


def corpus_is_image(corpus: Corpus) -> bool:
    """True for corpora of images."""
    return corpus.file_format in IMAGE_FORMATS


def _members(corpus: Corpus, raw: IO[bytes]) -> Iterator[tuple[int, str, bytes]]:
    if corpus.file_format == "zip":
        yield from archive_members(raw)
    else:
        yield 1, corpus.original_filename, raw.read()


def _store(store: ObjectStore, prefix: str, image: CheckedImage) -> tuple[str, str]:
    original = f"{prefix}/items/{image.sha256}.{image.extension}"
    preview = f"{prefix}/previews/{image.sha256}.jpg"
    store.put_stream(original, io.BytesIO(image.data), image.content_type)
    store.put_stream(preview, io.BytesIO(image.preview), "image/jpeg")
    return original, preview


def _row(corpus: Corpus, number: int, image: CheckedImage, keys: tuple[str, str]) -> dict[str, Any]:
    return {
        "corpus_id": corpus.id,
        "seq": number,
        "sha256": image.sha256,
        "text": image.name[-500:],
        "kind": "image",
        "object_key": keys[0],
        "preview_key": keys[1],
        "width": image.width,
        "height": image.height,
    }


def collect_images(
    corpus: Corpus, store: ObjectStore
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Check every member and store the good ones; returns (item rows, errors, stored keys).

    After the first error nothing more is stored, but checking goes on so the vendor sees
    every problem at once.
    """
    prefix = corpus.object_key.rsplit("/raw/", 1)[0]
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    keys: list[str] = []
    budget: int = current_app.config["IMAGE_DECODE_BUDGET"]
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as raw:
        for chunk in store.iter_chunks(corpus.object_key):
            raw.write(chunk)
        raw.seek(0)
        tables: list[tuple[str, bytes]] = []
        pictures: list[str] = []  # every picture's path; those stored are in ``stored_names``
        stored_names: list[str] = []
        try:
            for number, name, data in _members(corpus, raw):
                if corpus.file_format == "zip" and is_picture_table(name):
                    tables.append((name, data))
                    continue
                pictures.append(name)
                try:
                    image = check_image(name, data, budget)
                except ValueError as exc:
                    errors.append({"line": number, "code": str(exc)})
                    continue
                if not errors:
                    stored = _store(store, prefix, image)
                    keys.extend(stored)
                    rows.append(_row(corpus, number, image, stored))
                    stored_names.append(name)
        except ArchiveRefused as refused:
            errors.append({"line": 0, "code": refused.code})
        errors.extend(_described(list(zip(stored_names, rows, strict=True)), tables, pictures))
    return rows, errors, keys


def _described(
    rows: list[tuple[str, dict[str, Any]]], tables: list[tuple[str, bytes]], pictures: list[str]
) -> list[dict[str, Any]]:
    """Give each picture's item row (by path) the meta of its line in the archive's table
    (:mod:`app.corpora.picture_tables`); returns the table's errors."""
    if len(tables) > 1:
        return [{"line": 0, "code": "two_picture_tables", "member": tables[1][0]}]
    if not tables:
        return []
    table = read_picture_table(*tables[0], pictures)
    for name, row in rows:
        row["meta"] = table.meta.get(name) or None
    return table.errors


def discard(store: ObjectStore, keys: list[str]) -> None:
    """Remove objects stored for a corpus that was then refused."""
    for key in set(keys):
        store.delete(key)
