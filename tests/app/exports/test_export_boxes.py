"""Boxes as COCO, Pascal VOC, YOLO and Label Studio JSON, read back with json, zipfile,
xml.etree and yaml: each image's name and size, each box in the format's own coordinates."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
import yaml

from tests.app.builders import World
from tests.app.exports.export_world import answer_in_turn, box_project, exported

SIZES = [("street/a.png", 200, 100), ("b.png", 100, 50), ("c.png", 200, 100)]


@pytest.fixture
def boxes(world: World) -> tuple[object, int, list[int]]:
    vendor = world.vendor_api()
    project = box_project(world, vendor, SIZES)
    order = answer_in_turn(
        world,
        project,
        {
            "钱工": [
                {"boxes": [[10, 10, 40, 40, "车"]]},
                {"boxes": [[0, 0, 20, 20, "人"]]},
                {"boxes": [[5, 5, 30, 30, "人"]]},
            ],
            "孙工": [
                {"boxes": [[12, 12, 40, 40, "车"]]},
                {"boxes": [[0, 0, 20, 20, "人"]]},
                {"boxes": [[5, 5, 30, 30, "车"]]},
            ],
        },
    )
    return vendor, project, order


def test_coco_and_label_studio(boxes: tuple[object, int, list[int]]) -> None:
    vendor, project, order = boxes
    coco = json.loads(exported(vendor, project, "coco").data)
    assert coco["categories"] == [
        {"id": 1, "name": "车", "supercategory": ""},
        {"id": 2, "name": "人", "supercategory": ""},
    ]
    images = {image["id"]: image for image in coco["images"]}
    # The third picture waits for review (车 against 人): left out of the training file.
    assert list(images) == order[:2]
    first, second = images[order[0]], images[order[1]]
    assert (first["width"], first["height"]) == (200, 100)
    assert (second["width"], second["height"]) == (100, 50)
    assert {first["file_name"], second["file_name"]} <= {name for name, _, _ in SIZES}
    annotations = sorted(coco["annotations"], key=lambda a: a["image_id"] != order[0])
    assert [(a["image_id"], a["category_id"], a["bbox"], a["area"]) for a in annotations] == [
        (order[0], 1, [11, 11, 40, 40], 1600),
        (order[1], 2, [0, 0, 20, 20], 400),
    ]
    assert len({a["id"] for a in annotations}) == 2

    studio = {t["id"]: t for t in json.loads(exported(vendor, project, "label_studio").data)}
    assert studio[order[0]]["data"]["image"] == f"/api/v1/items/{order[0]}/image"
    final = studio[order[0]]["annotations"][0]
    assert final["ground_truth"] is True
    region = final["result"][0]
    assert region["type"] == "rectanglelabels" and region["to_name"] == "image"
    assert (region["original_width"], region["original_height"]) == (200, 100)
    assert region["value"]["rectanglelabels"] == ["车"]
    assert [region["value"][k] for k in ("x", "y", "width", "height")] == [5.5, 11, 20, 40]
    waiting = studio[order[2]]["annotations"]
    assert [(a["created_username"], a["ground_truth"]) for a in waiting] == [
        ("钱工", False),
        ("孙工", False),
    ]


def test_pascal_voc_and_yolo(boxes: tuple[object, int, list[int]]) -> None:
    vendor, project, order = boxes
    coco = json.loads(exported(vendor, project, "coco").data)
    name_of = {image["id"]: image["file_name"] for image in coco["images"]}
    voc = exported(vendor, project, "voc")
    assert voc.headers["Content-Disposition"].endswith("-voc.zip")
    with zipfile.ZipFile(io.BytesIO(voc.data)) as archive:
        assert archive.read("labels.txt").decode() == "车\n人\n"
        members = sorted(n for n in archive.namelist() if n.startswith("Annotations/"))
        xml = {n: ET.fromstring(archive.read(n)) for n in members}
    assert members == sorted(
        "Annotations/" + name_of[item].rsplit(".", 1)[0] + ".xml" for item in order[:2]
    )
    first = xml["Annotations/" + name_of[order[0]].rsplit(".", 1)[0] + ".xml"]
    assert first.findtext("filename") == name_of[order[0]].rsplit("/", 1)[-1]
    assert (first.findtext("size/width"), first.findtext("size/height")) == ("200", "100")
    (thing,) = first.findall("object")
    assert thing.findtext("name") == "车"
    assert [thing.findtext(f"bndbox/{k}") for k in ("xmin", "ymin", "xmax", "ymax")] == [
        "11",
        "11",
        "51",
        "51",
    ]

    with zipfile.ZipFile(io.BytesIO(exported(vendor, project, "yolo").data)) as archive:
        assert archive.read("classes.txt").decode() == "车\n人\n"
        data = yaml.safe_load(archive.read("data.yaml").decode())
        labels = {
            n: archive.read(n).decode() for n in archive.namelist() if n.startswith("labels/")
        }
    assert data["names"] == {0: "车", 1: "人"} and data["nc"] == 2
    stem = {item: name_of[item].rsplit(".", 1)[0] for item in order[:2]}
    assert labels == {
        f"labels/{stem[order[0]]}.txt": "0 0.155000 0.310000 0.200000 0.400000\n",
        f"labels/{stem[order[1]]}.txt": "1 0.100000 0.200000 0.200000 0.400000\n",
    }
