"""Round trips of the formats ``test_preannotation_roundtrip`` does not cover: Label Studio
JSON of box, cleaning and collection projects, spaCy DocBin, and the plain exports (JSON
Lines, CSV, .xlsx, text) uploaded again as corpora. Each goes import → export → import and
compares the stored items: text, metadata and pre-annotation. Bad files fail whole, naming
the task, file or row, with nothing stored."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from tests.app.builders import World, login
from tests.app.corpora import preannotated as files
from tests.app.corpora.image_files import archive, objects
from tests.app.exports.export_world import (
    answer_in_turn,
    collected_two_texts,
    exported,
    named_expert,
    text_project,
)
from tests.app.review.collected import accept_all


def _boxes_close(found: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> None:
    """Same items; boxes equal within float tolerance (percent → pixels)."""
    assert len(found) == len(expected)
    for (text, meta, pre, w, h), (text2, meta2, pre2, w2, h2) in zip(found, expected, strict=True):
        assert (text, meta, w, h) == (text2, meta2, w2, h2)
        if pre is None or pre2 is None:
            assert pre == pre2
            continue
        assert [b[4] for b in pre["boxes"]] == [b[4] for b in pre2["boxes"]]
        for box, box2 in zip(pre["boxes"], pre2["boxes"], strict=True):
            assert box[:4] == pytest.approx(box2[:4], abs=0.01)


def _label_studio_zip(download: bytes) -> bytes:
    """A Label Studio export zipped with its pictures, as a vendor re-uploads it."""
    return archive([*files.picture_members(), ("tasks.json", download)])


# 1. Label Studio JSON of boxes, cleaning and collection ------------------------------------


def test_label_studio_boxes_come_back_the_same(world: World) -> None:
    vendor = world.vendor_api()
    first = files.uploaded(vendor, files.coco_archive(), "coco.zip")
    items = files.stored_items(world, first["id"])
    project = files.project_over(vendor, first["id"], "bbox", files.BOX_LABELS)
    assert project.status_code == 201, project.json
    download = exported(vendor, project.json["id"], "label_studio").get_data()
    written = json.loads(download)
    assert written[0]["predictions"][0]["result"][0]["type"] == "rectanglelabels"

    again = files.uploaded(vendor, _label_studio_zip(download), "studio.zip")
    assert (again["status"], again["format"]) == ("ready", "lsboxes"), again
    assert again["preannotations"]["kinds"]["boxes"] == {"count": 3, "labels": ["人", "车"]}
    second = files.stored_items(world, again["id"])
    _boxes_close(second, items)
    assert second[0][1] == {"license": 2, "source_id": 501}

    # Label Studio → Label Studio: the same again.
    project = files.project_over(vendor, again["id"], "bbox", files.BOX_LABELS)
    download = exported(vendor, project.json["id"], "label_studio").get_data()
    third = files.uploaded(vendor, _label_studio_zip(download), "studio-again.zip")
    assert (third["status"], third["format"]) == ("ready", "lsboxes"), third
    _boxes_close(files.stored_items(world, third["id"]), second)


def test_label_studio_boxes_of_its_own_uploads_find_their_pictures(world: World) -> None:
    """Label Studio names a picture ``/data/upload/<project>/<8 hex>-<name>``, in percent;
    a task without an answer keeps its picture's metadata and has no pre-annotation."""
    tasks = [
        {
            "id": 7,
            "data": {"image": "/data/upload/3/1a2b3c4d-a.png", "城市": "合肥"},
            "annotations": [
                {
                    "result": [
                        {
                            "type": "rectanglelabels",
                            "original_width": 64,
                            "original_height": 48,
                            "value": {
                                "x": 12.5,
                                "y": 25.0,
                                "width": 50.0,
                                "height": 50.0,
                                "rotation": 0,
                                "rectanglelabels": ["车"],
                            },
                        }
                    ]
                }
            ],
        },
        {"id": 8, "data": {"image": "http://ls.example/data/b.png"}, "annotations": []},
    ]
    members = [m for m in files.picture_members() if m[0] != "images/c.png"]
    content = archive([*members, ("export.json", json.dumps(tasks).encode())])
    corpus = files.uploaded(world.vendor_api(), content, "ls.zip")
    assert (corpus["status"], corpus["format"]) == ("ready", "lsboxes"), corpus
    assert files.stored_items(world, corpus["id"]) == [
        (
            "images/a.png",
            {"城市": "合肥", "source_id": 7},
            {"boxes": [[8, 12, 32, 24, "车"]]},
            64,
            48,
        ),
        ("images/b.png", {"source_id": 8}, None, 80, 60),
    ]


def _bad_box_task(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {"image": "/x/b.png"},
        "predictions": [{"result": [{"type": "rectanglelabels", "value": value}]}],
    }


GOOD_VALUE = {"x": 10, "y": 10, "width": 20, "height": 20, "rectanglelabels": ["人"]}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({**GOOD_VALUE, "rotation": 30}, "ls_box"),
        ({**GOOD_VALUE, "x": "10"}, "ls_box"),
        ({**GOOD_VALUE, "rectanglelabels": []}, "ls_box"),
        ({**GOOD_VALUE, "x": 95}, "box_outside"),
    ],
    ids=["rotated", "text-number", "no-label", "outside"],
)
def test_a_bad_label_studio_box_fails_the_archive_naming_the_task(
    app: Any, world: World, value: dict[str, Any], code: str
) -> None:
    good = {"data": {"image": "/x/a.png"}, "annotations": [{"result": []}]}
    content = archive(
        [*files.picture_members(), ("t.json", json.dumps([good, _bad_box_task(value)]).encode())]
    )
    before = objects(app)
    corpus = files.uploaded(world.vendor_api(), content, "ls.zip")
    assert (corpus["status"], corpus["format"]) == ("failed", "lsboxes"), corpus
    assert [(e["code"], e["member"]) for e in corpus["errors"]] == [(code, "t.json[2]")]
    assert corpus["errors"][0]["message"] != code
    assert files.stored_items(world, corpus["id"]) == []
    assert {k for k in objects(app) - before if "/raw/" not in k} == set()


def test_a_label_studio_box_error_is_said_in_chinese(world: World) -> None:
    content = archive(
        [
            *files.picture_members(),
            ("t.json", json.dumps([_bad_box_task({**GOOD_VALUE, "rotation": 5})]).encode()),
        ]
    )
    corpus = files.uploaded(world.vendor_api(), content, "ls.zip")
    assert "旋转" in corpus["errors"][0]["message"], corpus["errors"]


def test_label_studio_cleaning_comes_back_the_same(world: World) -> None:
    vendor = world.vendor_api()
    texts = ["原文一 有错字。", "原文二。", "原文三。"]
    project = text_project(world, vendor, "clean", texts, [])
    answer_in_turn(
        world,
        project,
        {
            "王编辑": [
                {"text": "原文一，没有错字。", "flags": []},
                {"text": "原文二。", "flags": ["needs_redaction"]},
                {"text": "原文三，甲。", "flags": []},
            ],
            "赵编辑": [
                {"text": "原文一，没有错字。", "flags": []},
                {"text": "原文二。", "flags": ["needs_redaction"]},
                {"text": "原文三，乙。", "flags": []},
            ],
        },
    )
    download = exported(vendor, project, "label_studio").get_data()
    first = files.uploaded(vendor, download, "clean.json")
    assert (first["status"], first["format"]) == ("ready", "lsjson"), first
    items = files.stored_items(world, first["id"])
    by_text = {text: pre for text, _m, pre, _w, _h in items}
    assert by_text["原文一 有错字。"] == {"text": "原文一，没有错字。", "flags": []}
    assert by_text["原文二。"] == {"text": "原文二。", "flags": ["needs_redaction"]}
    # Item 3 waits for review: the first expert's text stands in (Label Studio's order).
    assert by_text["原文三。"] == {"text": "原文三，甲。", "flags": []}
    assert first["preannotations"]["kinds"]["text"] == {"count": 3, "labels": []}

    again_project = files.project_over(vendor, first["id"], "clean", [])
    assert again_project.status_code == 201, again_project.json
    download = exported(vendor, again_project.json["id"], "label_studio").get_data()
    assert json.loads(download)[0]["predictions"][0]["result"][0]["type"] == "textarea"
    again = files.uploaded(vendor, download, "clean-again.json")
    assert files.stored_items(world, again["id"]) == items
    assert again["preannotations"] == first["preannotations"]
    # The JSON Lines export carries the text pre-annotation too.
    lines = exported(vendor, again_project.json["id"], "jsonl").get_data(as_text=True)
    assert {"text": "原文一，没有错字。", "flags": []} in [
        json.loads(x).get("preannotation") for x in lines.splitlines()
    ]
    # The cleaning workbench opens an item with it (workbench-clean.js restores text+flags).
    claim = named_expert(world, "钱编辑").post(f"/api/v1/projects/{again_project.json['id']}/claim")
    item = claim.json["item"]
    assert item["preannotation"] == by_text[item["text"]], claim.json


def test_label_studio_collection_comes_back_as_texts(world: World) -> None:
    vendor = world.vendor_api()
    project = collected_two_texts(world, vendor, "征集-rt")
    accept_all(vendor, project)
    download = exported(vendor, project, "label_studio").get_data()
    first = files.uploaded(vendor, download, "collect.json")
    assert (first["status"], first["format"]) == ("ready", "lsjson"), first
    items = files.stored_items(world, first["id"])
    assert [(text, pre) for text, _m, pre, _w, _h in items] == [
        ("在合肥看了急诊。", {"text": "在合肥看了急诊。", "flags": []}),
        ("带孩子打疫苗。", {"text": "带孩子打疫苗。", "flags": []}),
    ]
    # A cleaning project over the collected texts writes them out and they read back.
    again_project = files.project_over(vendor, first["id"], "clean", [])
    download = exported(vendor, again_project.json["id"], "label_studio").get_data()
    assert files.stored_items(world, files.uploaded(vendor, download, "c2.json")["id"]) == items


def test_the_corpus_page_names_text_pre_annotations_in_chinese(world: World) -> None:
    tasks = [
        {
            "id": 1,
            "data": {"text": "原文"},
            "annotations": [{"result": [{"type": "textarea", "value": {"text": ["改后"]}}]}],
        }
    ]
    email = world.user("vendor", world.org())
    corpus = files.uploaded(
        world.api(email), json.dumps(tasks, ensure_ascii=False).encode(), "t.json"
    )
    assert files.stored_items(world, corpus["id"])[0][2] == {"text": "改后", "flags": []}
    browser = world.app.test_client()
    login(browser, email)
    page = browser.get(f"/corpora/{corpus['id']}").get_data(as_text=True)
    assert "编辑或征集的文本：1" in page


# 2. spaCy DocBin ---------------------------------------------------------------------------


def _spacy_members(download: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(download)) as source:
        return [(name, source.read(name)) for name in sorted(source.namelist())]


def test_spacy_docbins_come_back_the_same(any_db_world: World) -> None:
    world = any_db_world  # SQLite, and PostgreSQL (COPY ingestion) when configured
    vendor = world.vendor_api()
    first = files.uploaded(vendor, files.doccano_lines(), "all.jsonl")
    items = files.stored_items(world, first["id"])
    project = files.project_over(vendor, first["id"], "ner", files.ENTITY_LABELS)
    assert project.status_code == 201, project.json
    download = exported(vendor, project.json["id"], "spacy").get_data()

    again = files.uploaded(vendor, download, "corpus.zip")
    assert (again["status"], again["format"]) == ("ready", "spacy"), again
    assert files.stored_items(world, again["id"]) == items
    assert again["preannotations"]["kinds"] == first["preannotations"]["kinds"]
    assert items[1][1] == {"来源": "新闻", "source_id": 8}

    # spaCy → spaCy, and one .spacy file alone (whatever its name): the same again.
    project = files.project_over(vendor, again["id"], "ner", files.ENTITY_LABELS)
    download = exported(vendor, project.json["id"], "spacy").get_data()
    third = files.uploaded(vendor, download, "again.zip")
    assert files.stored_items(world, third["id"]) == items
    [(_name, docbin)] = _spacy_members(download)
    alone = files.uploaded(vendor, docbin, "train.bin")
    assert (alone["status"], alone["format"]) == ("ready", "spacy"), alone
    assert files.stored_items(world, alone["id"]) == items


def test_a_docbin_that_does_not_parse_fails_naming_the_file(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    first = files.uploaded(vendor, files.doccano_lines(), "all.jsonl")
    project = files.project_over(vendor, first["id"], "ner", files.ENTITY_LABELS)
    [(name, docbin)] = _spacy_members(exported(vendor, project.json["id"], "spacy").get_data())
    cut = docbin[: len(docbin) // 2]
    content = archive([(name, docbin), ("part-00002.spacy", cut)])
    corpus = files.uploaded(vendor, content, "corpus.zip")
    assert (corpus["status"], corpus["format"]) == ("failed", "spacy"), corpus
    assert [(e["code"], e["line"], e["member"]) for e in corpus["errors"]] == [
        ("spacy_docbin", 4, "part-00002.spacy")
    ]
    assert "spaCy DocBin" in corpus["errors"][0]["message"]
    assert "不是" in corpus["errors"][0]["message"]  # said in Chinese
    assert files.stored_items(world, corpus["id"]) == []

    alone = files.uploaded(vendor, cut, "x.spacy")
    assert (alone["status"], alone["format"]) == ("failed", "spacy"), alone
    assert [e["code"] for e in alone["errors"]] == ["spacy_docbin"]
    assert files.stored_items(world, alone["id"]) == []


# 3. JSON Lines, CSV, .xlsx and plain text uploaded again -----------------------------------

TABLE = (
    "编号,内容,作者,来源\n"
    "N-001,合肥发布算力政策。,张三,新闻\n"
    'N-002,芜湖举办论坛。,"李四, 王五",\n'
    "N-003,蚌埠新建医院。,赵六,公告\n"
)
LABELS = ["政策", "活动"]


def _texts_and_meta(world: World, corpus: int) -> list[tuple[Any, Any]]:
    return [(text, meta) for text, meta, _p, _w, _h in files.stored_items(world, corpus)]


def _classified_table(world: World) -> tuple[Any, int, list[tuple[Any, Any]]]:
    """A CSV corpus mapped with 内容 as the text and 编号 as the id, classified by an
    expert (k = 1); returns the vendor, the project and the corpus's (text, meta)."""
    vendor = world.vendor_api()
    mapping = {"text": "内容", "id": "编号"}
    corpus = files.uploaded_with_mapping(vendor, TABLE.encode(), "新闻.csv", mapping)
    assert corpus["status"] == "ready", corpus
    items = _texts_and_meta(world, corpus["id"])
    assert items[1] == ("芜湖举办论坛。", {"source_id": "N-002", "fields": {"作者": "李四, 王五"}})
    project = files.project_over(vendor, corpus["id"], "classify", LABELS)
    assert project.status_code == 201, project.json
    plan = [{"label": "政策"}, {"label": "活动"}, {"label": "政策"}]
    answer_in_turn(world, project.json["id"], {"甲": plan})
    return vendor, project.json["id"], items


@pytest.mark.parametrize(
    ("export_format", "filename", "mapping"),
    [
        ("csv", "again.csv", {"text": "text", "id": "source_id", "meta": ["作者", "来源"]}),
        ("xlsx", "again.xlsx", {"text": "text", "id": "source_id", "meta": ["作者", "来源"]}),
        (None, "again.jsonl", {"text": "text", "id": "source_id", "meta": ["meta.*"]}),
    ],
    ids=["csv", "xlsx", "jsonl"],
)
def test_table_exports_come_back_with_the_same_items_and_metadata(
    any_db_world: World, export_format: str | None, filename: str, mapping: dict[str, Any]
) -> None:
    world = any_db_world
    vendor, project, items = _classified_table(world)
    download = exported(vendor, project, export_format).get_data()
    again = files.uploaded_with_mapping(vendor, download, filename, mapping)
    assert again["status"] == "ready", again
    assert _texts_and_meta(world, again["id"]) == items


def test_the_final_labels_are_in_every_table_export(world: World) -> None:
    """What the table formats carry of the answers: the final label per item, which an
    upload keeps as metadata, or reads as a pre-annotation when the mapping names it the
    label column (tests/app/corpora/test_table_label_roundtrip.py)."""
    vendor, project, items = _classified_table(world)
    lines = exported(vendor, project, None).get_data(as_text=True).splitlines()
    finals = {json.loads(x)["source_id"]: json.loads(x)["final"] for x in lines}
    assert sorted(finals) == ["N-001", "N-002", "N-003"]
    assert sorted(f["label"] for f in finals.values()) == sorted(["政策", "活动", "政策"])
    wanted = {source: final["label"] for source, final in finals.items()}
    mapping = {"text": "text", "id": "source_id", "meta": ["final_label"]}
    for export_format, filename in (("csv", "l.csv"), ("xlsx", "l.xlsx")):
        download = exported(vendor, project, export_format).get_data()
        again = files.uploaded_with_mapping(vendor, download, filename, mapping)
        found = {
            m["source_id"]: m["fields"]["final_label"]
            for _t, m in _texts_and_meta(world, again["id"])
        }
        assert found == wanted, export_format


def test_every_field_of_an_object_is_for_json_only(world: World) -> None:
    vendor = world.vendor_api()
    reply = files.upload_mapped(vendor, TABLE.encode(), "a.csv", {"text": "内容", "meta": ["x.*"]})
    assert reply.status_code == 422 and reply.json["error"]["code"] == "unknown_column"
    assert "x.*" in reply.json["error"]["message"]


def test_cleaned_text_comes_back_as_the_same_items(world: World) -> None:
    vendor = world.vendor_api()
    texts = ["原文一 有错字。", "原文二。", "原文三。"]
    cleaned = ["原文一，没有错字。", "原文二。", "原文三，改过。"]
    project = text_project(world, vendor, "clean", texts, [])
    plan = [{"text": text, "flags": []} for text in cleaned]
    answer_in_turn(world, project, {"王编辑": plan, "赵编辑": plan})
    download = exported(vendor, project, "text").get_data()
    again = files.uploaded(vendor, download, "cleaned.txt")
    assert (again["status"], again["format"]) == ("ready", "txt"), again
    stored = _texts_and_meta(world, again["id"])
    assert sorted(text for text, _m in stored) == sorted(cleaned)
    # and once more: the texts of a corpus of them, exported as text, are the same
    project = text_project(world, vendor, "clean", cleaned, [])
    answer_in_turn(world, project, {"王编辑": plan, "赵编辑": plan})
    third = files.uploaded(vendor, exported(vendor, project, "text").get_data(), "c2.txt")
    assert sorted(t for t, _m in _texts_and_meta(world, third["id"])) == sorted(cleaned)


# 4. The exact-duplicate rate of the corpus statistics --------------------------------------


def test_the_exact_duplicate_rate_counts_the_copies_dropped_at_upload(world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    # 8 paragraphs read, 3 of them copies of earlier ones: 5 items, a rate of 3 / 8.
    paragraphs = ["甲。", "乙。", "甲。", "丙。", "丁。", "乙。", "甲。", "戊。"]
    corpus = files.uploaded(vendor, "\n\n".join(paragraphs).encode(), "dup.txt")
    assert (corpus["item_count"], corpus["duplicate_count"]) == (5, 3), corpus
    stats = vendor.get(f"/api/v1/corpora/{corpus['id']}/statistics").json
    assert stats["exact_duplicates"] == 3
    assert stats["exact_duplicate_rate"] == pytest.approx(3 / 8, abs=1e-4)
    browser = world.app.test_client()
    login(browser, email)
    page = browser.get(f"/corpora/{corpus['id']}").get_data(as_text=True)
    assert '<span class="stat-value" id="stat-exact-rate">37.5 %</span>' in page
    assert "文件中的完全重复（上传时已去除）" in page

    clean = files.uploaded(vendor, "\n\n".join(["一。", "二。"]).encode(), "none.txt")
    assert (
        vendor.get(f"/api/v1/corpora/{clean['id']}/statistics").json["exact_duplicate_rate"] == 0.0
    )
