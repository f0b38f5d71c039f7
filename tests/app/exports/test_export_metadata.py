"""The vendor's own ids and kept columns come back in every export that can carry them:
JSON Lines, CSV, .xlsx, Label Studio ``data`` and doccano lines, from a CSV corpus
uploaded with a column mapping."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from openpyxl import load_workbook

from tests.app.builders import Api, World
from tests.app.exports.export_world import answer_in_turn, exported

TABLE = (
    "编号,内容,作者,text\n"
    "N-001,合肥发布算力政策。,张三,旧文本\n"
    'N-002,芜湖举办论坛。,"李四, 王五",\n'
)


def table_project(world: World, vendor: Api, kind: str, labels: list[str]) -> int:
    """A project over the table above, mapped with 内容 as the text and 编号 as the id (the
    column called text is kept as metadata: its name collides with an export's own)."""
    content = io.BytesIO(TABLE.encode())
    uploaded = vendor.client.post(
        "/api/v1/corpora",
        data={
            "file": (content, "新闻.csv"),
            "name": "新闻",
            "mapping": json.dumps({"text": "内容", "id": "编号"}, ensure_ascii=False),
        },
        headers={"Authorization": f"Bearer {vendor.token}"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    corpus = uploaded.json["id"]
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["status"] == "ready"
    reply = vendor.post(
        "/api/v1/projects",
        {
            "name": f"{kind}-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus,
            "type": kind,
            "overlap": 2,
            "labels": labels,
        },
    )
    assert reply.status_code == 201, reply.json
    project: int = reply.json["id"]
    return project


def classified(world: World) -> tuple[Api, int]:
    vendor = world.vendor_api()
    project = table_project(world, vendor, "classify", ["政策", "活动"])
    plan = [{"label": "政策"}, {"label": "活动"}]
    answer_in_turn(world, project, {"张老师": plan, "李老师": plan})
    return vendor, project


def test_jsonl_csv_and_xlsx_carry_the_vendor_id_and_kept_columns(world: World) -> None:
    vendor, project = classified(world)
    lines = [
        json.loads(line)
        for line in exported(vendor, project, None).get_data(as_text=True).splitlines()
    ]
    by_id = {line["source_id"]: line for line in lines}
    assert by_id["N-001"]["text"] == "合肥发布算力政策。"
    assert by_id["N-001"]["meta"] == {"作者": "张三", "text": "旧文本"}
    assert by_id["N-002"]["meta"] == {"作者": "李四, 王五"}  # an empty cell is not kept

    text = exported(vendor, project, "csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["item_id", "source_id", "text", "作者", "meta.text", "final_label"]
    cells = {row[1]: row for row in rows[1:]}
    assert cells["N-001"][2:6] == ["合肥发布算力政策。", "张三", "旧文本", "政策"]
    assert cells["N-002"][2:6] == ["芜湖举办论坛。", "李四, 王五", "", "活动"]

    book = load_workbook(io.BytesIO(exported(vendor, project, "xlsx").get_data()), read_only=True)
    sheet = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert sheet[0][:5] == ["item_id", "source_id", "text", "作者", "meta.text"]
    assert {row[1]: row[3] for row in sheet[1:]} == {"N-001": "张三", "N-002": "李四, 王五"}


def test_label_studio_and_doccano_keep_them_beside_their_own_keys(world: World) -> None:
    vendor, project = classified(world)
    tasks = json.loads(exported(vendor, project, "label_studio").get_data(as_text=True))
    data = {task["data"]["source_id"]: task["data"] for task in tasks}
    assert data["N-001"]["text"] == "合肥发布算力政策。"
    assert data["N-001"]["作者"] == "张三" and data["N-001"]["meta_text"] == "旧文本"

    vendor = world.vendor_api()
    project = table_project(world, vendor, "ner", ["地名"])
    spans: list[dict[str, Any]] = [{"spans": [[0, 2, "地名"]]}, {"spans": [[0, 2, "地名"]]}]
    answer_in_turn(world, project, {"甲": spans, "乙": spans})
    body = exported(vendor, project, "doccano").get_data(as_text=True)
    lines = {line["source_id"]: line for line in map(json.loads, body.splitlines())}
    assert lines["N-001"]["label"] == [[0, 2, "地名"]]
    assert lines["N-001"]["作者"] == "张三" and lines["N-001"]["meta_text"] == "旧文本"
    assert lines["N-002"]["text"] == "芜湖举办论坛。"


def test_coco_images_and_spacy_docs_carry_them_too() -> None:
    """Straight through the writers: image items get their metadata from other tools'
    imports, not from a table, so the records are built here."""
    import zipfile

    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from app.exports.formats.base import ExportRecord, ProjectShape
    from app.exports.formats.boxes import write_coco
    from app.exports.formats.entities import write_spacy

    image = ExportRecord(
        7, "街景/1.png", {"boxes": [[1, 2, 3, 4, "车"]]}, [], "k", 10, 10, "IMG-7", {"相机": "A"}
    )
    out = io.BytesIO()
    write_coco(ProjectShape("bbox", ("车",), 2), [[image]], out)
    images = json.loads(out.getvalue())["images"]
    assert images[0]["source_id"] == "IMG-7" and images[0]["meta"] == {"相机": "A"}

    text = ExportRecord(
        8, "合肥", {"spans": [[0, 2, "地名"]]}, [], source_id="N-8", meta={"作者": "张三"}
    )
    out = io.BytesIO()
    write_spacy(ProjectShape("ner", ("地名",), 2), [[text]], out)
    with zipfile.ZipFile(out) as archive:
        data = archive.read(archive.namelist()[0])
    doc = next(iter(DocBin(store_user_data=True).from_bytes(data).get_docs(Vocab())))
    assert doc.user_data["source_id"] == "N-8" and doc.user_data["meta"] == {"作者": "张三"}
