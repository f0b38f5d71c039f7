"""Classification as CSV and .xlsx, cleaning and collection as text and CSV, read back with
the csv module and openpyxl; a format the project's type cannot take is refused."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from openpyxl import load_workbook

from tests.app.builders import World
from tests.app.exports.export_world import (
    answer_in_turn,
    collected_two_texts,
    exported,
    text_project,
)
from tests.app.review.collected import accept_all

FORMULA = '=HYPERLINK("http://evil.example","点我")'
TEXTS = ["第一条评论：很好。", FORMULA, "第三条：一般。"]


def classified(world: World) -> tuple[Any, int, list[int]]:
    vendor = world.vendor_api()
    project = text_project(world, vendor, "classify", TEXTS, ["正面", "负面"])
    order = answer_in_turn(
        world,
        project,
        {
            "张老师": [{"label": "正面"}, {"label": "负面"}, {"label": "正面"}],
            "李老师": [{"label": "正面"}, {"label": "负面"}, {"label": "负面"}],
        },
    )
    return vendor, project, order


def test_classification_csv_and_xlsx_read_back(world: World) -> None:
    vendor, project, order = classified(world)
    response = exported(vendor, project, "csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].endswith("-csv.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "item_id",
        "text",
        "final_label",
        "expert_1",
        "label_1",
        "expert_2",
        "label_2",
    ]
    by_item = {int(row[0]): row for row in rows[1:]}
    assert list(by_item) == order
    assert by_item[order[0]][1:] == [TEXTS[0], "正面", "张老师", "正面", "李老师", "正面"]
    assert by_item[order[1]][2:] == ["负面", "张老师", "负面", "李老师", "负面"]
    # A spreadsheet would run the item's text as a formula: the CSV neutralises it.
    assert by_item[order[1]][1] == "'" + FORMULA
    assert by_item[order[2]][3:] == ["张老师", "正面", "李老师", "负面"]

    response = exported(vendor, project, "xlsx")
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == rows[0]
    xlsx = {row[0]: row for row in cells[1:]}
    assert list(xlsx) == order
    assert xlsx[order[0]][1:] == (TEXTS[0], "正面", "张老师", "正面", "李老师", "正面")
    formula_cell = sheet.cell(row=order.index(order[1]) + 2, column=2)
    # Kept exactly, as text that Excel shows and never evaluates.
    assert formula_cell.value == FORMULA and formula_cell.data_type == "s"


def test_unsuitable_or_unknown_formats_are_refused_and_nothing_is_queued(world: World) -> None:
    vendor, project, _ = classified(world)
    for body in ({"format": "coco"}, {"format": "pdf"}, {"format": 3}, ["csv"]):
        reply = vendor.post(f"/api/v1/projects/{project}/exports", body)
        assert reply.status_code == 422, (body, reply.json)
    reply = vendor.post(f"/api/v1/projects/{project}/exports", {"format": "yolo"})
    error = reply.json["error"]
    assert error["code"] == "export_format"
    assert error["details"] == ["jsonl", "csv", "xlsx", "label_studio"]
    assert "yolo" in error["message"] and "csv, xlsx" in error["message"]
    assert "导出格式" in error["message"]  # translated (zh_CN by default)
    english = vendor.post(f"/api/v1/projects/{project}/exports?lang=en", {"format": "yolo"})
    assert "is not an export format for this project" in english.json["error"]["message"]
    from app.extensions import db
    from app.models import Export

    with world.app.app_context():
        assert db.session.query(Export).filter_by(project_id=project).count() == 0


def test_cleaning_as_text_paragraphs_and_csv(world: World) -> None:
    vendor = world.vendor_api()
    texts = ["原文一 有错字。", "原文二。", "原文三。"]
    project = text_project(world, vendor, "clean", texts, [])
    order = answer_in_turn(
        world,
        project,
        {
            "王编辑": [
                {"text": "原文一，没有错字。\n\n第二段。", "flags": []},
                {"text": "原文二。", "flags": []},
                {"text": "原文三，甲。", "flags": []},
            ],
            "赵编辑": [
                {"text": "原文一，没有错字。\n\n第二段。", "flags": []},
                {"text": "原文二。", "flags": ["needs_redaction"]},
                {"text": "原文三，乙。", "flags": []},
            ],
        },
    )
    text = exported(vendor, project, "text").get_data(as_text=True)
    # Item 3 has no agreed text yet (it waits for review): only decided items are paragraphs.
    assert text.split("\n\n")[:-1] == ["原文一，没有错字。\n第二段。", "原文二。"]
    rows = list(
        csv.reader(io.StringIO(exported(vendor, project, "csv").get_data(as_text=True)[1:]))
    )
    assert rows[0][:5] == ["item_id", "text", "final_text", "final_flags", "expert_1"]
    by_item = {int(row[0]): row for row in rows[1:]}
    assert by_item[order[1]][1:] == [
        "原文二。",
        "原文二。",
        *by_item[order[1]][3:4],
        "王编辑",
        "原文二。",
        "",
        "赵编辑",
        "原文二。",
        "needs_redaction",
    ]
    assert by_item[order[2]][2] == "" and by_item[order[2]][5] == "原文三，甲。"
    studio = json.loads(exported(vendor, project, "label_studio").data)
    task = next(t for t in studio if t["id"] == order[1])
    assert task["data"] == {"item_id": order[1], "text": "原文二。"}
    final, first, second = task["annotations"]
    assert final["ground_truth"] is True and first["created_username"] == "王编辑"
    assert second["result"][0]["type"] == "textarea"
    assert second["result"][0]["value"] == {"text": ["原文二。"]}
    assert second["result"][1]["value"] == {"choices": ["needs_redaction"]}


def test_collected_texts_as_paragraphs_and_csv(world: World) -> None:
    vendor = world.vendor_api()
    project = collected_two_texts(world, vendor, "征集")
    assert exported(vendor, project, "text").get_data(as_text=True) == "", "none accepted yet"
    accept_all(vendor, project)
    text = exported(vendor, project, "text").get_data(as_text=True)
    assert text == "在合肥看了急诊。\n\n带孩子打疫苗。\n\n"
    rows = list(
        csv.reader(io.StringIO(exported(vendor, project, "csv").get_data(as_text=True)[1:]))
    )
    assert [row[1:] for row in rows[1:]] == [
        ["在合肥看了急诊。", "在合肥看了急诊。", "孙医生", "在合肥看了急诊。"],
        ["带孩子打疫苗。", "带孩子打疫苗。", "孙医生", "带孩子打疫苗。"],
    ]
    studio = json.loads(exported(vendor, project, "label_studio").data)
    assert [t["annotations"][-1]["result"][0]["value"]["text"] for t in studio] == [
        ["在合肥看了急诊。"],
        ["带孩子打疫苗。"],
    ]


def test_the_project_page_refuses_an_unsuitable_format_in_words(world: World) -> None:
    from tests.app.builders import login

    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = text_project(world, vendor, "classify", TEXTS, ["正面", "负面"])
    client = world.app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert 'value="xlsx"' in page and 'value="coco"' not in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post(
        f"/projects/{project}/exports",
        data={"format": "coco", "csrf_token": token},
        follow_redirects=True,
    )
    assert refused.request.path == f"/projects/{project}"
    assert "“coco”不是本项目可用的导出格式" in refused.get_data(as_text=True)
    chosen = client.post(
        f"/projects/{project}/exports", data={"format": "csv", "csrf_token": token}
    )
    assert chosen.status_code == 302 and "/projects/exports/" in chosen.headers["Location"]
    shown = client.get(chosen.headers["Location"]).get_data(as_text=True)
    assert "CSV 表格" in shown and 'id="export-download"' in shown
