"""The readers on their own: a Label Studio array read in pieces as small as one byte (a
character split between two chunks), BIOES tags, YOLO class lists in each YAML spelling, and
which label file belongs to which picture."""

from __future__ import annotations

import json

import pytest

from app.corpora.annotations_in.boxes import BoxFile, placed_boxes, stem_key
from app.corpora.annotations_in.conll import parse_conll
from app.corpora.annotations_in.labelstudio import parse_label_studio
from app.corpora.annotations_in.pictures import match_files
from app.corpora.annotations_in.shapes import RecordError
from app.corpora.annotations_in.yolo import yolo_classes
from app.corpora.formats import LineError, Record


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_a_label_studio_array_read_in_small_pieces(size: int) -> None:
    tasks = [
        {
            "id": n,
            "data": {"text": f"第{n}条：张三在合肥。", "n": n},
            "annotations": [
                {
                    "result": [
                        {"type": "labels", "value": {"start": 4, "end": 6, "labels": ["人名"]}}
                    ]
                }
            ],
        }
        for n in range(50)
    ]
    data = b"\xef\xbb\xbf  " + json.dumps(tasks, ensure_ascii=False, indent=2).encode() + b"\n"
    records = list(parse_label_studio(pieces(data, size)))
    assert all(isinstance(r, Record) for r in records) and len(records) == 50
    assert records[7] == Record(
        8, "第7条：张三在合肥。", {"n": 7, "source_id": 7}, {"spans": [[4, 6, "人名"]]}
    )


def test_label_studio_errors_name_the_task() -> None:
    assert list(parse_label_studio([b'{"data": {}}'])) == [LineError(1, "not_an_array")]
    # Each bad task is named, and a cut-off array ends with the position where it broke.
    assert list(parse_label_studio([b"[1, ", b"2"])) == [
        LineError(1, "ls_task"),
        LineError(2, "ls_task"),
        LineError(3, "invalid_json"),
    ]


def test_bioes_and_iob1_tags_make_spans() -> None:
    text = "张 S-PER\n三 O\n在 B-LOC\n合 I-LOC\n肥 E-LOC\n市 I-ORG\n政 I-ORG\n府 O\n"
    [record] = list(parse_conll([text.encode()]))
    assert isinstance(record, Record)
    assert record.text == "张三在合肥市政府"
    assert record.preannotation == {"spans": [[0, 1, "PER"], [2, 5, "LOC"], [5, 7, "ORG"]]}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("data.yaml", 'path: .\nnames:\n  0: 车\n  1: "人 行"\nnc: 2\n'),
        ("data.yaml", "names:\n  - 车\n  - '人 行'\n"),
        ("data.yaml", "nc: 2\nnames: [车, 人 行]\n"),
        ("sub/classes.txt", "车\n人 行\n\n"),
    ],
)
def test_yolo_class_names_in_every_spelling(name: str, text: str) -> None:
    assert yolo_classes(name, text) == ["车", "人 行"]


def test_box_files_find_their_pictures() -> None:
    pictures = ["JPEGImages/a/1.jpg", "images/b/1.png", "c.png"]
    files = [
        BoxFile("Annotations/a/1.xml", "1.jpg"),
        BoxFile("labels/b/1.txt", ""),
        BoxFile("coco.json", "c.png"),
    ]
    assert {p: f.source for p, f in match_files(files, pictures).items()} == {
        "JPEGImages/a/1.jpg": "Annotations/a/1.xml",
        "images/b/1.png": "labels/b/1.txt",
        "c.png": "coco.json",
    }
    assert stem_key("labels/images/train/x.txt") == "train/x"
    with pytest.raises(RecordError) as missing:
        match_files([BoxFile("labels/d.txt", "")], pictures)
    assert (missing.value.code, missing.value.where) == ("picture_missing", "labels/d.txt")


def test_yolo_fractions_become_pixels_and_edges_are_cut() -> None:
    boxes = [[0.5, 0.5, 0.25, 0.5, "车"], [0.999, 0.5, 0.004, 0.1, "人"]]
    assert placed_boxes(boxes, (640, 480), relative=True) == [
        [240, 120, 160, 240, "车"],
        [638.08, 216, 1.92, 48, "人"],
    ]
    with pytest.raises(RecordError):
        placed_boxes([[600, 10, 100, 10, "车"]], (640, 480), relative=False)
