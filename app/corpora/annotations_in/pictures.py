"""Ingestion of a ZIP of pictures with COCO, Pascal VOC, YOLO or Label Studio boxes: all or
nothing.

The archive passes the checks of every image corpus (:func:`app.corpora.images.
archive_members`: member names, links, nesting, sizes, ratios, member count). A first pass
reads the box files, a second checks each picture, gives it the boxes of its file (placed
in pixels once its size is known) and stores it; nothing is stored after the first error.

Which file belongs to which picture: COCO and VOC name it (``file_name``, ``filename``):
the member of that path, or the one member ending in it, or of that base name (Label
Studio: ``data.file_name`` or the end of ``data.image``). A VOC XML or
a YOLO ``.txt`` also matches the picture of the same path without role folders and
extension (``Annotations/a/1.xml``, ``labels/a/1.txt`` ↔ ``JPEGImages/a/1.jpg``,
``images/a/1.png``). A picture without a box file has no pre-annotation; an empty box file
means "nothing to mark". A box file whose picture is missing is an error.
"""

from __future__ import annotations

import posixpath
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from flask import current_app

from app.corpora.annotations_in import Tally
from app.corpora.annotations_in.boxes import BoxFile, is_picture, placed_boxes, stem_key
from app.corpora.annotations_in.coco import coco_files
from app.corpora.annotations_in.labelstudio import label_studio_boxes
from app.corpora.annotations_in.shapes import RecordError
from app.corpora.annotations_in.voc import voc_file
from app.corpora.annotations_in.yolo import yolo_classes, yolo_file
from app.corpora.documents.reader import is_junk_member
from app.corpora.image_ingestion import SPOOL_BYTES, _row, _store
from app.corpora.images import ArchiveRefused, archive_members, check_image
from app.models import Corpus
from app.storage import ObjectStore


def _members(raw: IO[bytes]) -> Iterator[tuple[int, str, bytes]]:
    raw.seek(0)
    for number, name, data in archive_members(raw):
        if not is_junk_member(name):
            yield number, name, data


class _BoxFiles:
    """What pass one found: box files, the pictures' paths, YOLO's label texts and classes."""

    def __init__(self, file_format: str) -> None:
        self.file_format = file_format
        self.files: list[BoxFile] = []
        self.pictures: list[str] = []
        self.texts: dict[str, str] = {}
        self.classes: list[str] | None = None

    def add(self, name: str, data: bytes) -> None:
        lower, fmt = name.lower(), self.file_format
        if is_picture(name):
            self.pictures.append(name)
        elif fmt == "coco" and lower.endswith(".json"):
            self.files.extend(coco_files(data, name))
        elif fmt == "lsboxes" and lower.endswith(".json"):
            self.files.extend(label_studio_boxes(data, name))
        elif fmt == "voc" and lower.endswith(".xml"):
            self.files.append(voc_file(data, name))
        elif fmt == "yolo" and posixpath.basename(lower) in ("classes.txt", "data.yaml"):
            if self.classes is None or lower.endswith(".txt"):  # classes.txt comes first
                self.classes = yolo_classes(name, data.decode("utf-8-sig"))
        elif fmt == "yolo" and lower.endswith(".txt"):
            self.texts[name] = data.decode("utf-8-sig")

    def all_files(self) -> list[BoxFile]:
        if self.file_format != "yolo":
            return self.files
        if not self.classes:
            raise RecordError("yolo_classes")
        classes = self.classes
        return [yolo_file(text, name, classes) for name, text in self.texts.items()]


def _box_files(file_format: str, raw: IO[bytes]) -> tuple[list[BoxFile], list[str]]:
    """Pass one: the box files and the pictures' paths."""
    found = _BoxFiles(file_format)
    for _number, name, data in _members(raw):
        try:
            found.add(name, data)
        except UnicodeDecodeError:
            raise RecordError("invalid_utf8", name) from None
        except RecordError as error:
            raise RecordError(error.code, error.where or name) from None
    return found.all_files(), found.pictures


class _Pictures:
    """The archive's pictures by path, by path without role folders and extension, and by
    base name."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = set(paths)
        self.by_key: dict[str, list[str]] = {}
        self.by_base: dict[str, list[str]] = {}
        for path in paths:
            self.by_key.setdefault(stem_key(path), []).append(path)
            self.by_base.setdefault(posixpath.basename(path), []).append(path)

    def of(self, found: BoxFile) -> str:
        """The picture a box file is for; RecordError ``picture_missing``."""
        if found.picture in self.paths:
            return found.picture
        same_key = self.by_key.get(stem_key(found.source), [])
        if len(same_key) == 1 and (
            not found.picture or posixpath.basename(same_key[0]) == found.picture
        ):
            return same_key[0]
        name = found.picture.removeprefix("./")
        same_base = self.by_base.get(posixpath.basename(name), []) if name else []
        ending = [p for p in same_base if p.endswith("/" + name)]
        for matches in (ending, same_base):
            if len(matches) == 1:
                return matches[0]
        raise RecordError("picture_missing", found.source)


def match_files(files: list[BoxFile], pictures: list[str]) -> dict[str, BoxFile]:
    """Picture path → its box file; RecordError ``picture_missing`` or ``two_box_files``."""
    index = _Pictures(pictures)
    matched: dict[str, BoxFile] = {}
    for found in files:
        picture = index.of(found)
        if picture in matched:
            raise RecordError("two_box_files", found.source)
        matched[picture] = found
    return matched


class _Collected:
    """Rows, errors and stored keys of one pass over the pictures; the decoding memory
    budget of one picture (``IMAGE_DECODE_BUDGET``)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.rows: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.tally = Tally()


def _add_picture(
    corpus: Corpus,
    store: ObjectStore,
    entry: tuple[int, str, bytes],
    found: BoxFile | None,
    out: _Collected,
) -> None:
    number, name, data = entry
    try:
        image = check_image(name, data, out.budget)
        boxes = (
            None
            if found is None or not found.preannotated
            else placed_boxes(
                found.boxes, (image.width, image.height), found.relative, found.percent
            )
        )
    except RecordError as error:
        out.errors.append(
            {"line": number, "code": error.code, "member": found.source if found else name}
        )
        return
    except ValueError as exc:
        out.errors.append({"line": number, "code": str(exc), "member": name})
        return
    if out.errors:
        return
    preannotation = None if boxes is None else {"boxes": boxes}
    out.tally.add(preannotation)
    stored = _store(store, corpus.object_key.rsplit("/raw/", 1)[0], image)
    out.keys.extend(stored)
    row = _row(corpus, number, image, stored)
    out.rows.append(
        {
            **row,
            "text": name[-500:],
            "meta": found.meta if found else None,
            "preannotation": preannotation,
        }
    )


def collect_annotated_pictures(corpus: Corpus, store: ObjectStore) -> _Collected:
    """Check every picture and box file and store the pictures when all are good."""
    out = _Collected(current_app.config["IMAGE_DECODE_BUDGET"])
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as raw:
        for chunk in store.iter_chunks(corpus.object_key):
            raw.write(chunk)
        try:
            files, pictures = _box_files(corpus.file_format, raw)
            matched = match_files(files, pictures)
            for entry in _members(raw):
                if is_picture(entry[1]):
                    _add_picture(corpus, store, entry, matched.get(entry[1]), out)
        except ArchiveRefused as refused:
            out.errors.append({"line": 0, "code": refused.code})
        except RecordError as error:
            out.errors.append({"line": 0, "code": error.code, "member": error.where})
    return out
