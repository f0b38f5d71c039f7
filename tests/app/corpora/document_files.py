"""Builders of real-looking documents for the reader and upload tests.

Each returns the bytes a user would upload: .docx from python-docx, PDF typeset by ReportLab
with its built-in Adobe-GB1 font (STSong-Light, no font file needed), OFD written part by part
as GB/T 33190-2016 lays it out, and ZIPs of any of these.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from app.corpora.documents import REFUSALS, DocumentRefused, read_document
from app.corpora.documents.layout import advance

# The sample government document (shared/data/corpus), as the demo ships it in the repository.
SAMPLE = Path(__file__).resolve().parents[3] / "app/demo/anhui_agi_action_plan_2023.txt"
#: A short notice: three one-line paragraphs with digits, a phone number and full-width marks.
NOTICE = [
    "为加快推进数据要素市场化配置改革，现将有关事项通知如下。",
    "一、各市人民政府要在2024年12月31日前完成公共数据目录编制，并报省数据资源管理局备案。",
    "二、联系人：张伟，电话0551-62600000。",
]
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def sample_paragraphs() -> list[str]:
    """The paragraphs of the Anhui AGI action plan (2023), as published."""
    text = SAMPLE.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def docx_bytes(
    paragraphs: list[str],
    *,
    rows: list[list[str]] | None = None,
    title: str | None = None,
    heading: str | None = None,
) -> bytes:
    """A .docx with an optional Heading 1, paragraphs, then a table of ``rows``."""
    document = docx.Document()
    document.core_properties.title = title or ""
    if heading:
        document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        document.add_paragraph("表后说明")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of a ZIP with some members replaced and others added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def docm_bytes(*, content_type: bool = True, vba: bool = True) -> bytes:
    """A macro-enabled Word file: the .docm content type and/or a vbaProject.bin part."""
    data = docx_bytes(["宏文档"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    if content_type:
        types = types.replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        )
    add = {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)} if vba else {}
    return rezip(data, {"[Content_Types].xml": types}, add)


def _wrap(text: str, width: float, indent: float, measure) -> list[str]:
    """Lines of a paragraph filled to ``width``, the first one ``indent`` narrower."""
    lines, line = [], ""
    for ch in text:
        if line and measure(line + ch) > width - (0 if lines else indent):
            word = len(line) - len(
                line.rstrip("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
            )
            if ch.isascii() and ch.isalnum() and 0 < word < len(line):
                lines.append(line[:-word])  # a number or a Latin word is not broken
                line = line[-word:]
            else:
                lines.append(line)
                line = ""
        line += ch
    return lines + [line] if line else lines


def pdf_bytes(
    pages: list[list[str]],
    *,
    size: float = 12,
    title: str | None = None,
    page_numbers: bool = False,
) -> bytes:
    """A PDF whose pages hold the given paragraphs, wrapped to the measure, first lines
    indented; with ``page_numbers`` each page ends with a centred "— N —" as 公文 do."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    if title:
        pdf.setTitle(title)

    def end_page() -> None:
        if page_numbers:
            pdf.setFont(FONT, size)
            pdf.drawCentredString(297, 40, f"— {pdf.getPageNumber()} —")
        pdf.showPage()

    for paragraphs in pages:
        y = 800.0
        for paragraph in paragraphs:
            measure = 595 - 2 * 72  # A4 with one-inch margins
            lines = _wrap(
                paragraph, measure, 2 * size, lambda s: pdfmetrics.stringWidth(s, FONT, size)
            )
            for number, line in enumerate(lines):
                if y < 60:
                    end_page()
                    y = 800.0
                pdf.setFont(FONT, size)
                pdf.drawString(72 + (0 if number else 2 * size), y, line)
                y -= size * 1.5
        end_page()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A 'scanned' page: one picture, no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    picture = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawImage(ImageReader(picture), 72, 600, width=400, height=200)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf(source: bytes, user_password: str = "secret") -> bytes:
    """The PDF encrypted with AES-256 (an empty user password opens without asking)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


OFD_NS = "http://www.ofdspec.org/2016"


def _ofd_entry(title: str, doc_root: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" '
        f'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>6a8f2c</ofd:DocID><ofd:Title>{title}</ofd:Title>"
        f"<ofd:CreationDate>2023-06-01</ofd:CreationDate></ofd:DocInfo>"
        f"<ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    ).encode()


def _ofd_document(page_locs: list[str], res: str) -> bytes:
    pages = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="{loc}"/>' for i, loc in enumerate(page_locs))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
        f"<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
        f"<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>{res}</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{pages}</ofd:Pages></ofd:Document>"
    ).encode()


def _ofd_res(media: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{OFD_NS}" '
        f'BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/>'
        f'</ofd:Fonts><ofd:MultiMedias><ofd:MultiMedia ID="3" Type="Image">'
        f"<ofd:MediaFile>{media}</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias>"
        f"</ofd:Res>"
    ).encode()


def ofd_content(paragraphs: list[str], *, size: float = 4.2, shuffle: bool = True) -> bytes:
    """A page's Content.xml: one TextObject per line (in shuffled order: reading order is
    recovered from positions), 2-character first-line indent, the 156 mm measure and 28 mm
    left margin of GB/T 9704-2012."""
    objects, y, oid = [], 30.0, 100
    for paragraph in paragraphs:
        lines = _wrap(paragraph, 156, 2 * size, lambda s: advance(s, size))
        for number, line in enumerate(lines):
            text = line.replace("&", "&amp;").replace("<", "&lt;")
            deltas = " ".join([f"{size}"] * (len(line) - 1))
            left = 28 + (0 if number else 2 * size)
            objects.append(
                f'<ofd:TextObject ID="{oid}" Boundary="{left} {y:.2f} 156 {size * 1.2:.2f}" '
                f'Font="2" Size="{size}"><ofd:FillColor Value="0 0 0"/>'
                f'<ofd:TextCode X="0" Y="{size:.2f}" DeltaX="{deltas}">{text}</ofd:TextCode>'
                f"</ofd:TextObject>"
            )
            y += size * 1.6
            oid += 1
    if shuffle:
        random.Random(7).shuffle(objects)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}">'
        f'<ofd:Content><ofd:Layer ID="50">{"".join(objects)}</ofd:Layer></ofd:Content>'
        f"</ofd:Page>"
    ).encode()


def ofd_bytes(
    pages: list[list[str]],
    *,
    title: str = "",
    doc_root: str = "Doc_0/Document.xml",
    page_loc: str = "Pages/Page_{n}/Content.xml",
    media: str = "image_3.png",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An OFD package: OFD.xml → Doc_0/Document.xml → Doc_0/Pages/Page_N/Content.xml."""
    locs = [page_loc.format(n=n) for n in range(len(pages))]
    members = {
        "OFD.xml": _ofd_entry(title, doc_root),
        "Doc_0/Document.xml": _ofd_document(locs, "PublicRes.xml"),
        "Doc_0/PublicRes.xml": _ofd_res(media),
        "Doc_0/Res/image_3.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
    }
    for n, paragraphs in enumerate(pages):
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = ofd_content(paragraphs)
    members.update(extra or {})
    return zip_bytes(members)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A deflated ZIP of the given members, in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(data: bytes, name: str = "upload") -> str:
    """The code ``read_document`` refuses the bytes with (fails the test if it reads them)."""
    with pytest.raises(DocumentRefused) as caught:
        read_document(data, name)
    assert caught.value.code in REFUSALS
    return caught.value.code
