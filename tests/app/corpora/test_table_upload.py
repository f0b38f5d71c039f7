"""Tables and JSON records as corpora: CSV, TSV, .xlsx, JSON arrays and JSON Lines read
through a column mapping; the vendor's id and the kept columns stay on each item; a bad
row fails the whole file, naming the row and the column; a bad mapping stores nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.app.builders import World
from tests.app.corpora.table_files import items_of, upload_table, workbook
from tests.app.corpora.test_upload import corpus_count, stored_objects

CSV = '编号,内容,作者\r\nA-1,第一条新闻。,张三\r\nA-2,"第二条，含逗号\n和换行。",李四\r\n'


def ready(api: Any, response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.json
    corpus: dict[str, Any] = api.get(f"/api/v1/corpora/{response.json['id']}").json
    return corpus


def test_csv_by_conventional_names_keeps_the_vendor_id_and_other_columns(
    app: Any, world: World
) -> None:
    vendor = world.vendor_api()
    corpus = ready(vendor, vendor.upload(CSV.encode(), "新闻.csv"))
    assert (corpus["status"], corpus["item_count"]) == ("ready", 2)
    assert corpus["mapping"]["chosen"] == {
        "text": "内容",
        "id": "编号",
        "meta": None,
        "sheet": None,
    }
    assert corpus["mapping"]["meta_columns"] == ["作者"]
    assert items_of(app, corpus["id"]) == [
        ("第一条新闻。", {"source_id": "A-1", "fields": {"作者": "张三"}}),
        ("第二条，含逗号\n和换行。", {"source_id": "A-2", "fields": {"作者": "李四"}}),
    ]


def test_gbk_csv_and_a_tsv_named_csv_are_read_by_their_bytes(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    gbk = ready(vendor, vendor.upload(CSV.encode("gbk"), "excel导出.csv"))
    assert gbk["status"] == "ready" and gbk["mapping"]["encoding"] == "gbk"
    assert items_of(app, gbk["id"])[1][0] == "第二条，含逗号\n和换行。"
    tsv = "id\ttext\tlabel\n7\t甲,乙\tx\n".encode()
    corpus = ready(vendor, vendor.upload(tsv, "tabs.csv"))
    assert items_of(app, corpus["id"]) == [("甲,乙", {"source_id": "7", "fields": {"label": "x"}})]


def test_a_mapping_given_with_the_upload_picks_text_id_and_kept_columns(
    app: Any, world: World
) -> None:
    vendor = world.vendor_api()
    content = "标题,正文内容,链接,备注\n通知,全文一,https://a.cn/1,无\n".encode()
    mapping = {"text": "正文内容", "id": "链接", "meta": ["标题"]}
    corpus = ready(vendor, upload_table(vendor, content, "公文.csv", mapping))
    assert corpus["status"] == "ready"
    assert items_of(app, corpus["id"]) == [
        ("全文一", {"source_id": "https://a.cn/1", "fields": {"标题": "通知"}})
    ]


def test_a_bad_mapping_or_no_text_column_is_refused_and_stores_nothing(
    app: Any, world: World
) -> None:
    vendor = world.vendor_api()
    before = stored_objects(app)
    content = "标题,正文内容\n通知,全文\n".encode()
    unknown = upload_table(vendor, content, "a.csv", {"text": "正文", "id": "标题"})
    assert unknown.status_code == 422
    assert "正文" in unknown.json["error"]["message"]
    assert unknown.json["error"]["code"] == "unknown_column"
    guessed = vendor.upload(content, "b.csv")
    assert guessed.status_code == 422 and guessed.json["error"]["code"] == "no_text_column"
    assert "标题、正文内容" in guessed.json["error"]["message"]
    malformed = upload_table(vendor, content, "c.csv", {"text": ["正文内容"]})
    assert malformed.status_code == 422 and malformed.json["error"]["code"] == "mapping_shape"
    duplicate = vendor.upload(b"text,text\na,b\n", "d.csv")
    assert duplicate.status_code == 422 and "text" in duplicate.json["error"]["message"]
    assert corpus_count(app) == 0 and stored_objects(app) == before


def test_bad_rows_fail_the_whole_file_naming_row_and_column(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    content = "编号,内容\n1,好\n2,\n,无编号\n4,多,一格\n5,好\n".encode()
    corpus = ready(vendor, vendor.upload(content, "坏.csv"))
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    assert [(e["line"], e["code"], e.get("field")) for e in corpus["errors"]] == [
        (3, "empty_text", "内容"),
        (4, "missing_id", "编号"),
        (5, "extra_cells", None),
    ]
    assert corpus["errors"][0]["message"] == "文本列“内容”为空"
    assert items_of(app, corpus["id"]) == []


def test_xlsx_reads_the_first_sheet_or_the_one_chosen(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    content = workbook(
        {
            "数据": [["编号", "文本", "日期", "得分"], [101, "甲文本", dt.date(2024, 5, 1), 3.0]],
            "其他": [["content", "id"], [None, None], ["乙文本", "x9"]],
        }
    )
    first = ready(vendor, vendor.upload(content, "工作簿.xlsx"))
    assert first["status"] == "ready", first["errors"]
    assert [s["name"] for s in first["mapping"]["sheets"]] == ["数据", "其他"]
    assert items_of(app, first["id"]) == [
        ("甲文本", {"source_id": "101", "fields": {"日期": "2024-05-01", "得分": 3}})
    ]
    mapping = {"text": "content", "id": "id", "sheet": "其他"}
    chosen = ready(vendor, upload_table(vendor, content, "工作簿.xlsx", mapping))
    assert chosen["status"] == "ready", chosen["errors"]
    assert items_of(app, chosen["id"]) == [("乙文本", {"source_id": "x9"})]
    missing = upload_table(vendor, content, "工作簿.xlsx", {"text": "文本", "sheet": "无"})
    assert missing.status_code == 422 and "无" in missing.json["error"]["message"]


def test_json_array_fields_are_found_by_dotted_paths(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    records = [
        {"uid": 1, "data": {"text": "第一", "lang": "zh"}, "source": {"url": "https://a.cn"}},
        {"uid": 2, "data": {"text": "第二"}, "tags": ["x", "y"]},
    ]
    content = json.dumps(records, ensure_ascii=False, indent=2).encode()
    corpus = ready(
        vendor, upload_table(vendor, content, "任务.json", {"text": "data.text", "id": "uid"})
    )
    assert corpus["status"] == "ready", corpus["errors"]
    assert items_of(app, corpus["id"]) == [
        (
            "第一",
            {
                "source_id": "1",
                "fields": {"data": {"lang": "zh"}, "source": {"url": "https://a.cn"}},
            },
        ),
        ("第二", {"source_id": "2", "fields": {"tags": ["x", "y"]}}),
    ]


def test_json_array_errors_name_the_line_of_the_element(world: World) -> None:
    vendor = world.vendor_api()
    content = '[\n{"text": "好"},\n3,\n{"text": {"a": 1}},\n{"text": "坏"\n'.encode()
    corpus = ready(vendor, vendor.upload(content, "坏.json"))
    assert corpus["status"] == "failed"
    assert [(e["line"], e["code"]) for e in corpus["errors"]] == [
        (3, "not_object"),
        (4, "text_not_string"),
        (5, "invalid_json"),
    ]
    single = vendor.upload(b'{\n "text": "one object"\n}\n', "one.json")
    assert single.status_code == 422 and "JSON Lines" in single.json["error"]["message"]


def test_jsonl_keeps_every_extra_field(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    lines = [
        {"text": "甲", "id": "u1", "score": 0.5, "meta": {"k": "v"}},
        {"text": "乙", "id": "u2"},
    ]
    content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode()
    corpus = ready(vendor, vendor.upload(content, "records.jsonl"))
    assert items_of(app, corpus["id"]) == [
        ("甲", {"source_id": "u1", "fields": {"score": 0.5, "meta": {"k": "v"}}}),
        ("乙", {"source_id": "u2"}),
    ]


def test_the_mapping_step_waits_then_ingests_the_mapping_chosen(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    content = "序号,句子,来源\n1,甲句。,网站\n2,乙句。,报纸\n".encode()
    waiting = ready(vendor, upload_table(vendor, content, "句子.csv", wait=True))
    assert waiting["status"] == "mapping" and waiting["item_count"] == 0
    sheet = waiting["mapping"]["sheets"][0]
    assert sheet["columns"] == ["序号", "句子", "来源"]
    assert sheet["rows"] == [["1", "甲句。", "网站"], ["2", "乙句。", "报纸"]]
    url = f"/api/v1/corpora/{waiting['id']}/mapping"
    other = world.vendor_api()
    assert other.post(url, {"text": "句子"}).status_code == 404
    bad = vendor.post(url, {"text": "句"})
    assert bad.status_code == 422 and vendor.get(url.rsplit("/", 1)[0]).json["status"] == "mapping"
    chosen = vendor.post(url, {"text": "句子", "id": "序号", "meta": []})
    assert chosen.status_code == 200, chosen.json
    corpus = vendor.get(url.rsplit("/", 1)[0]).json
    assert corpus["status"] == "ready"
    assert items_of(app, corpus["id"]) == [
        ("甲句。", {"source_id": "1"}),
        ("乙句。", {"source_id": "2"}),
    ]
    again = vendor.post(url, {"text": "句子"})
    assert again.status_code == 422 and again.json["error"]["code"] == "not_mapping"


def test_table_rows_with_metadata_on_both_databases(any_db_app: Any, any_db_world: World) -> None:
    """PostgreSQL takes items by COPY through a staging table: the metadata goes with them."""
    vendor = any_db_world.vendor_api()
    rows = "".join(f"R{i},第{i}行,{'甲乙'[i % 2]}\n" for i in range(25))
    corpus = ready(vendor, vendor.upload(("id,text,组\n" + rows).encode(), "rows.csv"))
    assert (corpus["status"], corpus["item_count"]) == ("ready", 25)
    items = items_of(any_db_app, corpus["id"])
    assert items[3] == ("第3行", {"source_id": "R3", "fields": {"组": "乙"}})


def test_a_damaged_workbook_and_an_old_xls_are_refused(app: Any, world: World) -> None:
    import io
    import zipfile

    vendor = world.vendor_api()
    before = stored_objects(app)
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    response = vendor.upload(damaged.getvalue(), "坏.xlsx")
    assert response.status_code == 422 and response.json["error"]["code"] == "bad_workbook"
    assert "Excel" in response.json["error"]["message"]
    old = vendor.upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧表.xls")
    assert old.status_code == 422 and ".xlsx" in old.json["error"]["message"]
    assert corpus_count(app) == 0 and stored_objects(app) == before
