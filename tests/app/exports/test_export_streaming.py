"""The writers of many-file exports straight through, as the export job calls them: Pascal
VOC and YOLO name every image's file uniquely without holding the names in memory, their
ZIPs pass ``unzip -t``, and spaCy's ``.spacy`` files stay small however long the texts."""

from __future__ import annotations

import io
import shutil
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from app.exports.formats import entities, zip_members
from app.exports.formats.base import ExportRecord, ProjectShape
from app.exports.formats.boxes import write_voc, write_yolo

BOXES = ProjectShape("bbox", ("车", "人"), 2)


def image(item_id: int, name: str) -> ExportRecord:
    return ExportRecord(item_id, name, {"boxes": [[1, 2, 3, 4, "车"]]}, width=10, height=10)


def test_images_of_one_name_get_files_of_their_own_across_batches() -> None:
    batches = [
        [image(1, "街道/a.jpg"), image(2, "街道/a.png"), image(3, "b.jpg")],
        [image(4, "街道/a-2.jpg"), image(5, "街道\\a.jpeg"), image(6, "../b.png")],
    ]
    out = io.BytesIO()
    write_yolo(BOXES, batches, out)
    with zipfile.ZipFile(out) as archive:
        names = [n for n in archive.namelist() if n.startswith("labels/")]
        assert archive.read("labels/街道/a.txt").startswith(b"0 ")
    # The first image keeps its own name; a later one of the same name (after its folders
    # are made safe) adds its item id, again if that is taken too (a-2 was given to item 2).
    assert names == [
        "labels/街道/a.txt",
        "labels/街道/a-2.txt",
        "labels/b.txt",
        "labels/街道/a-2-4.txt",
        "labels/街道/a-5.txt",
        "labels/b-6.txt",
    ]


def images(count: int) -> list[list[ExportRecord]]:
    return [
        [image(n, f"street/{n:07d}.jpg") for n in range(start, min(start + 1000, count))]
        for start in range(0, count, 1000)
    ]


def held_while_writing(tmp_path: Path, count: int) -> int:
    """Peak Python memory of a VOC export of ``count`` images written to a file."""
    batches = images(count)
    with (tmp_path / f"{count}.zip").open("wb") as out:
        tracemalloc.start()
        write_voc(BOXES, batches, out)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_voc_export_holds_no_more_for_more_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The packed central directory goes to disk at once, as it does past 8 MB.
    monkeypatch.setattr(zip_members, "SPOOL_BYTES", 1)
    few, many = held_while_writing(tmp_path, 2_000), held_while_writing(tmp_path, 20_000)
    # A set of the names given, or a ZipInfo per member, would add 1.5 MB or more.
    assert many < few + 500_000, (few, many)


@pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip is not installed")
def test_the_zips_pass_unzip_test(tmp_path: Path) -> None:
    for write in (write_voc, write_yolo):
        path = tmp_path / f"{write.__name__}.zip"
        with path.open("wb") as out:
            write(BOXES, [[image(1, "街道/a.jpg"), image(2, "a.png")]], out)
        tested = subprocess.run(  # noqa: S603
            ["unzip", "-t", str(path)], capture_output=True, text=True, check=False
        )
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert "No errors detected" in tested.stdout


def text(item_id: int, length: int) -> ExportRecord:
    return ExportRecord(
        item_id,
        "合肥" * (length // 2),
        {"spans": [[0, 2, "地名"]]},
        [("周老师", {"spans": [[0, 2, "地名"]]})],
    )


def test_spacy_files_stop_short_of_the_token_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    monkeypatch.setattr(entities, "SPACY_TOKENS_PER_FILE", 10)
    out = io.BytesIO()
    records = [text(1, 6), text(2, 4), text(3, 6), text(4, 16), text(5, 2)]
    entities.write_spacy(ProjectShape("ner", ("地名",), 2), [records[:2], records[2:]], out)
    with zipfile.ZipFile(out) as archive:
        parts = [DocBin().from_bytes(archive.read(n)) for n in archive.namelist()]
    files = [list(part.get_docs(Vocab())) for part in parts]
    # 6 + 4 tokens fit; 6 + 16 do not, nor 16 + 2; a 16-token document is a file alone.
    assert [[doc.user_data["item_id"] for doc in docs] for docs in files] == [[1, 2], [3], [4], [5]]
    doc = files[2][0]
    assert doc.text == "合肥" * 8 and len(doc) == 16
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 2, "地名")]
    assert [(s.text, s.label_) for s in doc.spans["周老师"]] == [("合肥", "地名")]
    assert [token.ent_iob_ for token in doc[:3]] == ["B", "I", "O"]
