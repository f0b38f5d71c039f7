"""Document readers on files built the way users make them: Word, PDF, OFD, text, HTML, ZIP."""

from __future__ import annotations

import io

import pytest

from app.corpora.documents import (
    DocumentRefused,
    decode_text,
    read_document,
)
from tests.app.corpora.document_files import (
    NOTICE,
    docm_bytes,
    docx_bytes,
    encrypted_pdf,
    image_only_pdf,
    ofd_bytes,
    ofd_content,
    pdf_bytes,
    refusal,
    rezip,
    sample_paragraphs,
)

# --- Word ------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_rows_come_in_document_order() -> None:
    data = docx_bytes(
        NOTICE,
        rows=[["城市", "目录数"], ["合肥", "1,204"], ["芜湖", "836"]],
        title="关于推进公共数据开放的通知",
    )
    document = read_document(data, "通知.docx")
    assert document.format == "docx"
    assert document.title == "关于推进公共数据开放的通知"
    assert document.paragraphs == [*NOTICE, "城市\t目录数", "合肥\t1,204", "芜湖\t836", "表后说明"]
    assert document.source_name == "通知.docx" and document.pages is None


def test_docx_title_falls_back_to_the_heading_then_the_first_paragraph() -> None:
    assert read_document(docx_bytes(NOTICE, heading="数据开放通知"), "a").title == "数据开放通知"
    assert read_document(docx_bytes(NOTICE), "a").title == NOTICE[0]


def test_merged_table_cells_are_read_once() -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "安徽省数据开放统计表"
    for c, value in enumerate(["合肥", "芜湖", "蚌埠"]):
        table.cell(1, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_document(buffer.getvalue(), "t.docx").paragraphs == [
        "安徽省数据开放统计表",
        "合肥\t芜湖\t蚌埠",
    ]


@pytest.mark.parametrize(("content_type", "vba"), [(True, True), (True, False), (False, True)])
def test_macro_enabled_word_files_are_refused(content_type: bool, vba: bool) -> None:
    assert refusal(docm_bytes(content_type=content_type, vba=vba), "宏.docx") == "macro_enabled"


def test_a_docx_that_inflates_past_the_ratio_is_refused_like_any_archive() -> None:
    bomb = rezip(docx_bytes(["正文"]), add={"word/media/padding.bin": bytes(20 * 1024 * 1024)})
    assert refusal(bomb) == "compression_ratio"


def test_a_damaged_docx_is_refused() -> None:
    broken = rezip(docx_bytes(["正文"]), replace={"word/document.xml": b"<w:document"})
    assert refusal(broken) == "corrupt_docx"


# --- PDF -------------------------------------------------------------------------------


def test_pdf_text_layer_is_read_page_by_page_into_paragraphs() -> None:
    data = pdf_bytes([NOTICE[:2], NOTICE[2:]], title="数据开放通知")
    document = read_document(data, "通知.pdf")
    assert (document.format, document.pages, document.title) == ("pdf", 2, "数据开放通知")
    assert document.paragraphs == NOTICE


def test_a_scanned_pdf_without_text_is_refused_as_needing_ocr() -> None:
    assert refusal(image_only_pdf(), "扫描件.pdf") == "no_text_layer"


def test_a_password_protected_pdf_is_refused() -> None:
    assert refusal(encrypted_pdf(pdf_bytes([NOTICE]))) == "encrypted_pdf"


def test_a_pdf_encrypted_with_an_empty_user_password_opens_as_readers_do() -> None:
    data = encrypted_pdf(pdf_bytes([NOTICE]), user_password="")
    assert read_document(data, "a.pdf").paragraphs == NOTICE


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_corrupt_pdf_is_refused(damage: str) -> None:
    data = pdf_bytes([NOTICE])
    broken = (
        data[: len(data) // 2] if damage == "truncated" else b"%PDF-1.7\n" + bytes(range(256)) * 8
    )
    assert refusal(broken) == "corrupt_pdf"


def test_a_parser_crash_on_a_hostile_file_is_a_refusal_not_a_stuck_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import struct

    from app.corpora.documents import pdf

    def explode(*args: object, **kwargs: object) -> None:
        raise struct.error("unpack requires a buffer of 4 bytes")

    monkeypatch.setattr(pdf, "PdfReader", explode)
    assert refusal(pdf_bytes([NOTICE])) == "corrupt_pdf"


# --- OFD -------------------------------------------------------------------------------


def test_ofd_text_is_read_in_reading_order_with_its_title_and_pages() -> None:
    data = ofd_bytes([NOTICE[:2], NOTICE[2:]], title="皖数〔2024〕3号")
    document = read_document(data, "通知.ofd")
    assert (document.format, document.pages, document.title) == ("ofd", 2, "皖数〔2024〕3号")
    assert document.paragraphs == NOTICE


def test_ofd_text_codes_without_x_or_y_go_on_from_the_previous_one() -> None:
    content = (
        '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">'
        '<ofd:TextObject ID="2" Boundary="28 40 156 6" Size="4.2">'
        '<ofd:TextCode X="0" Y="5">安徽省</ofd:TextCode>'
        '<ofd:TextCode X="12.6">人民政府</ofd:TextCode></ofd:TextObject>'
        "</ofd:Layer></ofd:Content></ofd:Page>"
    ).encode()
    data = ofd_bytes([NOTICE], extra={"Doc_0/Pages/Page_0/Content.xml": content})
    assert read_document(data, "a.ofd").paragraphs == ["安徽省人民政府"]


def test_ofd_locations_from_the_package_root_are_inside_the_package() -> None:
    data = ofd_bytes(
        [NOTICE], doc_root="/Doc_0/Document.xml", page_loc="/Doc_0/Pages/Page_{n}/Content.xml"
    )
    assert read_document(data, "a.ofd").paragraphs == NOTICE


@pytest.mark.parametrize("field", ["doc_root", "page_loc", "media"])
@pytest.mark.parametrize(
    "location",
    [
        "http://198.51.100.7/Content.xml",
        "file:///etc/passwd",
        "../../../etc/passwd",
        "C:\\Windows\\win.ini",
        "//fileserver/share/Content.xml",
    ],
)
def test_ofd_external_references_refuse_the_file(field: str, location: str) -> None:
    assert refusal(ofd_bytes([NOTICE], **{field: location})) == "external_reference"


def test_ofd_with_entity_expansion_is_refused_without_expanding() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;">]><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
        b"&c;</ofd:Page>"
    )
    data = ofd_bytes([NOTICE], extra={"Doc_0/Pages/Page_0/Content.xml": laughs})
    assert refusal(data) == "unsafe_xml"


def test_ofd_missing_its_page_is_corrupt() -> None:
    assert refusal(ofd_bytes([NOTICE], page_loc="Pages/Page_9/Content.xml")) == "corrupt_ofd"


def test_ofd_of_images_only_has_no_text_layer() -> None:
    data = ofd_bytes([NOTICE], extra={"Doc_0/Pages/Page_0/Content.xml": ofd_content([])})
    assert refusal(data) == "no_text_layer"


# --- text and HTML -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        ("\n\n".join(NOTICE).encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + "\n\n".join(NOTICE).encode("utf-8"), "utf-8-sig"),
        ("\n\n".join(NOTICE).encode("utf-16"), "utf-16"),
        ("\r\n\r\n".join(NOTICE).encode("gbk"), "gbk"),
        ("\n\n".join([*NOTICE, "䶮、𠀾"]).encode("gb18030"), "gb18030"),
    ],
)
def test_text_encodings_are_detected_and_reported(encoded: bytes, encoding: str) -> None:
    document = read_document(encoded, "notice.txt")
    assert (document.format, document.encoding) == ("txt", encoding)
    assert document.paragraphs[:3] == NOTICE


def test_undecodable_text_is_refused_with_the_line() -> None:
    data = "第一行\n第二行\n".encode() + b"\xff\xfe\xff bad\n"
    with pytest.raises(DocumentRefused) as caught:
        decode_text(data)
    assert caught.value.code == "unknown_encoding" and "line 3" in caught.value.detail


def test_text_paragraph_and_line_modes() -> None:
    data = "标题\n\n第一段第一行\n第一段第二行\n\n第二段".encode()
    assert read_document(data, "a").paragraphs == ["标题", "第一段第一行\n第一段第二行", "第二段"]
    assert read_document(data, "a", text_mode="line").paragraphs == [
        "标题",
        "第一段第一行",
        "第一段第二行",
        "第二段",
    ]


def test_text_with_nul_bytes_or_nothing_is_refused() -> None:
    assert refusal(b"abc\x00def") == "binary_content"
    assert refusal(b" \n\n\t\n") == "empty_document"


def test_html_keeps_the_visible_body_text_only() -> None:
    page = (
        "<!DOCTYPE html><html><head><meta charset='gb2312'><title>数据开放 - 安徽省人民政府"
        "</title><style>p{color:red}</style><script>var x='脚本';</script></head><body>"
        "<nav><a href='/'>首页</a> &gt; <a>国内</a></nav><h1>安徽省公共数据开放</h1>"
        "<div><p>为加快推进&nbsp;数据开放，\n 现通知如下。</p><p>一、总体要求</p></div>"
        "<table><tr><td>合肥</td><td>1204</td></tr></table>"
        "<script>alert('不可见')</script><footer>版权所有</footer></body></html>"
    )
    document = read_document(page.encode("gbk"), "page.html")
    assert (document.format, document.encoding) == ("html", "gb18030")
    assert document.title == "数据开放 - 安徽省人民政府"
    assert document.paragraphs == [
        "安徽省公共数据开放",
        "为加快推进 数据开放， 现通知如下。",
        "一、总体要求",
        "合肥\t1204",
        "版权所有",
    ]


def test_html_without_a_title_is_titled_by_its_h1() -> None:
    page = "<html><body><h1>地方志 <b>第三卷</b></h1><p>正文</p></body></html>"
    assert read_document(page.encode(), "x").title == "地方志 第三卷"


# --- the sample government document round-trips through every format ----------------------


@pytest.fixture(scope="module")
def plan() -> list[str]:
    return sample_paragraphs()


def test_the_sample_plan_round_trips_as_gbk_text(plan: list[str]) -> None:
    document = read_document("\r\n\r\n".join(plan).encode("gbk"), "行动计划.txt")
    assert document.encoding == "gbk" and document.paragraphs == plan
    assert document.title == "国内"


def test_the_sample_plan_round_trips_through_docx(plan: list[str]) -> None:
    document = read_document(docx_bytes(plan[1:], title=plan[1]), "行动计划.docx")
    assert document.paragraphs == plan[1:] and document.title == plan[1]


def test_the_sample_plan_round_trips_through_a_typeset_pdf(plan: list[str]) -> None:
    # Paragraphs run over page breaks and every page carries its number, as in 公文.
    document = read_document(pdf_bytes([plan], page_numbers=True), "行动计划.pdf")
    assert document.pages is not None and document.pages > 5
    assert document.paragraphs == plan


def test_the_sample_plan_round_trips_through_ofd(plan: list[str]) -> None:
    document = read_document(ofd_bytes([plan[:40], plan[40:]]), "行动计划.ofd")
    assert document.paragraphs == plan
