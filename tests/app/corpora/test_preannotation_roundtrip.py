"""Round trips, one per format: another tool's export is uploaded (recognised by its bytes,
its annotations kept as pre-annotations, its extra fields as metadata), a project over it is
exported in the same format before anyone answers (the pre-annotations stand in for the
missing final answers), and that export uploaded again gives the same items, metadata and
annotations."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.app.builders import World
from tests.app.corpora import preannotated as files
from tests.app.exports.export_world import exported

TEXT_CASES: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("lsjson", files.label_studio_tasks, "label_studio", "tasks.json"),
    ("doccano", files.doccano_lines, "doccano", "all.jsonl"),
    ("conll", files.conll_text, "conll", "train.txt"),
]
PICTURE_CASES: list[tuple[str, Callable[[], bytes], str]] = [
    ("coco", files.coco_archive, "coco"),
    ("voc", files.voc_archive, "voc"),
    ("yolo", files.yolo_archive, "yolo"),
]


@pytest.mark.parametrize(("fmt", "build", "export_format", "filename"), TEXT_CASES)
def test_entity_exports_come_back_the_same(
    any_db_world: World, fmt: str, build: Callable[[], bytes], export_format: str, filename: str
) -> None:
    world = any_db_world  # SQLite, and PostgreSQL (COPY ingestion) when configured
    vendor = world.vendor_api()
    first = files.uploaded(vendor, build(), filename)
    assert (first["status"], first["format"]) == ("ready", fmt), first
    # An empty Label Studio result says nothing of its kind: it is no pre-annotation.
    empty = None if fmt == "lsjson" else {"spans": []}
    assert first["preannotations"]["items"] == (2 if fmt == "lsjson" else 3)
    assert first["preannotations"]["kinds"]["spans"] == {"count": 4, "labels": ["人名", "地名"]}
    items = files.stored_items(world, first["id"])
    assert [(text, pre) for text, _m, pre, _w, _h in items] == [
        (text, {"spans": spans} if spans else empty)
        for text, spans in zip(files.TEXTS, files.SPANS, strict=True)
    ]
    if fmt == "lsjson":
        assert items[0][1] == {"doc_no": "公文-0", "source_id": 100}
    if fmt == "doccano":
        assert items[1][1] == {"来源": "新闻", "source_id": 8}

    project = files.project_over(vendor, first["id"], "ner", files.ENTITY_LABELS)
    assert project.status_code == 201, project.json
    download = exported(vendor, project.json["id"], export_format).get_data()
    again = files.uploaded(vendor, download, f"again-{filename}")
    assert (again["status"], again["format"]) == ("ready", fmt), again
    assert files.stored_items(world, again["id"]) == items
    assert again["preannotations"] == first["preannotations"]


@pytest.mark.parametrize(("fmt", "build", "export_format"), PICTURE_CASES)
def test_box_exports_come_back_the_same(
    world: World, fmt: str, build: Callable[[], bytes], export_format: str
) -> None:
    vendor = world.vendor_api()
    first = files.uploaded(vendor, build(), f"{fmt}.zip")
    assert (first["status"], first["format"]) == ("ready", fmt), first
    assert first["preannotations"]["kinds"]["boxes"] == {"count": 3, "labels": ["人", "车"]}
    items = files.stored_items(world, first["id"])
    assert [(text, pre, (w, h)) for text, _m, pre, w, h in items] == [
        (path, {"boxes": sorted(boxes, key=lambda b: (b[1], b[0]))}, (w, h))
        for path, w, h, boxes in files.PICTURES
    ]
    if fmt == "coco":
        assert items[0][1] == {"license": 2, "source_id": 501}

    project = files.project_over(vendor, first["id"], "bbox", files.BOX_LABELS)
    assert project.status_code == 201, project.json
    download = exported(vendor, project.json["id"], export_format).get_data()
    again_zip = files.with_pictures(download, fmt, files.picture_members())
    again = files.uploaded(vendor, again_zip, f"again-{fmt}.zip")
    assert (again["status"], again["format"]) == ("ready", fmt), again
    assert files.stored_items(world, again["id"]) == items


def test_label_studio_classes_come_back_as_predictions(world: World) -> None:
    """Choices of a Label Studio task pre-fill a classification project, and its export
    carries them as predictions that read back the same."""
    import json

    vendor = world.vendor_api()
    tasks = [
        {"id": 1, "data": {"text": "服务很好"}, "annotations": [{"result": [choice("正面")]}]},
        {"id": 2, "data": {"text": "太慢了"}, "predictions": [{"result": [choice("负面")]}]},
    ]
    first = files.uploaded(vendor, json.dumps(tasks, ensure_ascii=False).encode(), "t.json")
    assert first["format"] == "lsjson" and first["status"] == "ready", first
    project = files.project_over(vendor, first["id"], "classify", ["正面", "负面"])
    assert project.status_code == 201, project.json
    download = exported(vendor, project.json["id"], "label_studio").get_data()
    written = json.loads(download)
    assert [t["predictions"][0]["result"][0]["value"] for t in written] == [
        {"choices": ["正面"]},
        {"choices": ["负面"]},
    ]
    again = files.uploaded(vendor, download, "again.json")
    assert files.stored_items(world, again["id"]) == files.stored_items(world, first["id"])


def choice(label: str) -> dict[str, object]:
    return {
        "type": "choices",
        "from_name": "label",
        "to_name": "text",
        "value": {"choices": [label]},
    }
