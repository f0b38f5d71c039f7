"""Bad exports of other tools: each format's mistakes fail the whole file with an error that
names the line, the task or the archive member, in words, and store no item and no picture.
A project that does not list the pre-annotations' labels is refused, naming them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.app.builders import World
from tests.app.corpora import preannotated as files
from tests.app.corpora.image_files import archive, objects, png


def ls_tasks(*tasks: dict[str, Any]) -> bytes:
    return json.dumps(list(tasks), ensure_ascii=False).encode()


def span_region(start: int, end: int, text: str, label: str = "人名") -> dict[str, Any]:
    return {
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


GOOD_TASK = {"id": 1, "data": {"text": "张三来了"}, "annotations": [{"result": []}]}
DOCCANO_OK = json.dumps({"text": "张三来了", "label": [[0, 2, "人名"]]}, ensure_ascii=False)

TEXT_CASES = [
    # Label Studio: the span's text is not at its offsets (task 2)
    (
        ls_tasks(
            GOOD_TASK,
            {
                "data": {"text": "李四走了"},
                "annotations": [{"result": [span_region(0, 2, "四走")]}],
            },
        ),
        "tasks.json",
        {"line": 2, "code": "span_text_mismatch"},
    ),
    # Label Studio: a task of a picture (task 1)
    (
        ls_tasks({"data": {"image": "/x.png"}, "predictions": [{"result": []}]}),
        "tasks.json",
        {"line": 1, "code": "ls_image_task"},
    ),
    # Label Studio: the array is cut off after the first task
    (ls_tasks(GOOD_TASK, GOOD_TASK)[:-20], "tasks.json", {"line": 2, "code": "invalid_json"}),
    # doccano: offsets past the end of the text (line 3)
    (
        "\n".join(
            [
                DOCCANO_OK,
                DOCCANO_OK.replace("张三", "王五"),
                '{"text": "短", "label": [[0, 5, "人名"]]}',
            ]
        ).encode(),
        "all.jsonl",
        {"line": 3, "code": "span_out_of_range"},
    ),
    # CoNLL: a tag that is none of O, B-, I-, E-, S- (line 12)
    (
        "张 B-人名\n三 I-人名\n来 O\n了 O\n。 O\n\n李 B-人名\n四 I-人名\n走 O\n了 O\n\n"
        "王 X-人名\n五 O\n".encode(),
        "train.conll",
        {"line": 12, "code": "conll_tag"},
    ),
]


@pytest.mark.parametrize(
    ("content", "filename", "error"),
    TEXT_CASES,
    ids=["ls-span-text", "ls-picture", "ls-cut", "doccano-offsets", "conll-tag"],
)
def test_bad_text_exports_fail_whole_naming_the_line(
    world: World, content: bytes, filename: str, error: dict[str, Any]
) -> None:
    vendor = world.vendor_api()
    corpus = files.uploaded(vendor, content, filename)
    assert corpus["status"] == "failed" and corpus["item_count"] == 0, corpus
    assert corpus["format"] in ("lsjson", "doccano", "conll")
    assert {k: corpus["errors"][0][k] for k in error} == error
    assert corpus["errors"][0]["message"] != error["code"]  # said in words
    assert files.stored_items(world, corpus["id"]) == []


def coco_with(annotation: dict[str, Any], categories: list[dict[str, Any]]) -> bytes:
    document = {
        "images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}],
        "annotations": [{"id": 1, "image_id": 1, **annotation}],
        "categories": categories,
    }
    return archive([("a.png", png(64, 48)), ("coco.json", json.dumps(document).encode())])


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<annotation><filename>a.png</filename><object><name>&lol2;</name></object></annotation>"
)
CAR = [{"id": 1, "name": "车"}]
PICTURE_CASES = [
    (
        coco_with({"category_id": 9, "bbox": [1, 1, 5, 5]}, CAR),
        "coco",
        "coco_category",
        "coco.json",
    ),
    (
        coco_with({"category_id": 1, "bbox": [40, 30, 50, 5]}, CAR),
        "coco",
        "box_outside",
        "coco.json",
    ),
    (
        archive([("a.png", png()), ("Annotations/a.xml", BILLION_LAUGHS)]),
        "voc",
        "voc_xml",
        "Annotations/a.xml",
    ),
    (
        archive([("a.png", png()), ("Annotations/b.xml", files.voc_xml("b.png", 10, 10, []))]),
        "voc",
        "picture_missing",
        "Annotations/b.xml",
    ),
    (
        archive(
            [
                ("images/a.png", png()),
                ("labels/a.txt", b"0 0.5 0.5 0.2 0.2\n5 0.5 0.5 0.1 0.1\n"),
                ("classes.txt", "车\n".encode()),
            ]
        ),
        "yolo",
        "yolo_class",
        "labels/a.txt:2",
    ),
    (
        archive(
            [
                ("images/a.png", png()),
                ("labels/a.txt", b"0 0.5 0.5\n"),
                ("data.yaml", b"names: [car]\n"),
            ]
        ),
        "yolo",
        "yolo_line",
        "labels/a.txt:1",
    ),
]


@pytest.mark.parametrize(
    ("content", "fmt", "code", "member"),
    PICTURE_CASES,
    ids=[
        "coco-category",
        "coco-outside",
        "voc-entities",
        "voc-no-picture",
        "yolo-class",
        "yolo-line",
    ],
)
def test_bad_box_archives_fail_whole_naming_the_member(
    app: Any, world: World, content: bytes, fmt: str, code: str, member: str
) -> None:
    vendor = world.vendor_api()
    before = objects(app)
    corpus = files.uploaded(vendor, content, "boxes.zip")
    assert (corpus["status"], corpus["format"]) == ("failed", fmt), corpus
    assert [(e["code"], e["member"]) for e in corpus["errors"]] == [(code, member)]
    assert corpus["errors"][0]["message"] != code
    assert files.stored_items(world, corpus["id"]) == []
    assert {k for k in objects(app) - before if "/raw/" not in k} == set()


def test_a_box_archive_with_an_unsafe_member_is_refused_whole(world: World) -> None:
    content = archive(
        [
            *files.picture_members(),
            ("../../labels/a.txt", b"0 0.5 0.5 0.1 0.1\n"),
            ("classes.txt", "车\n".encode()),
        ]
    )
    corpus = files.uploaded(world.vendor_api(), content, "boxes.zip")
    assert corpus["status"] == "failed"
    assert [e["code"] for e in corpus["errors"]] == ["unsafe_member"]


def test_a_project_must_list_the_labels_of_the_pre_annotations(world: World) -> None:
    vendor = world.vendor_api()
    corpus = files.uploaded(vendor, files.conll_text(), "train.conll")
    refused = files.project_over(vendor, corpus["id"], "ner", ["人名", "机构"])
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "preannotation_labels"
    assert "地名" in refused.json["error"]["message"]
    # Labels are checked for the task type's kind only: classification ignores spans.
    assert files.project_over(vendor, corpus["id"], "classify", ["是", "否"]).status_code == 201
    assert files.project_over(vendor, corpus["id"], "ner", files.ENTITY_LABELS).status_code == 201


def test_english_conll_words_are_joined_with_spaces(world: World) -> None:
    content = (
        b"-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n"
        b"German JJ B-NP B-MISC\ncall NN I-NP O\n. . O O\n"
    )
    vendor = world.vendor_api()
    corpus = files.uploaded(vendor, content, "eng.train")
    assert corpus["format"] == "conll" and corpus["status"] == "ready", corpus
    [(text, _meta, pre, _w, _h)] = files.stored_items(world, corpus["id"])
    assert text == "EU rejects German call ."
    assert pre == {"spans": [[0, 2, "ORG"], [11, 17, "MISC"]]}
