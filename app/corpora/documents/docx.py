"""Word .docx files (ECMA-376 / ISO/IEC 29500 WordprocessingML) read with python-docx.

Body paragraphs and tables come in document order; a table row becomes one paragraph of its
cells joined by a tab (a merged cell counted once). Headers, footers and comments are not
read. Macro-enabled files (.docm, .dotm) are refused before python-docx sees them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from app.corpora.documents.model import Document, DocumentRefused, make_document
from app.corpora.documents.packages import local_name, parse_xml, unpack

MAIN_PART = "word/document.xml"
_TITLE_STYLES = ("title", "heading 1", "标题", "标题 1")
_TITLE_SEARCH = 10  # a heading further down is a section, not the document's title


def is_docx(names: list[str]) -> bool:
    """True for the member names of a WordprocessingML package."""
    return MAIN_PART in names and "[Content_Types].xml" in names


def _refuse_macros(members: dict[str, bytes]) -> None:
    if any(name.lower().endswith("vbaproject.bin") for name in members):
        raise DocumentRefused("macro_enabled", "vbaProject.bin")
    types = parse_xml(members["[Content_Types].xml"], "corrupt_docx", "[Content_Types].xml")
    for element in types:
        content_type = element.get("ContentType", "")
        if local_name(element.tag) == "Override" and "macroEnabled" in content_type:
            raise DocumentRefused("macro_enabled", content_type)


def _row_text(row_cells: list[_Cell]) -> str:
    cells: list[str] = []
    previous = None
    for cell in row_cells:
        if cell._tc is previous:  # a merged cell is returned once per grid column it spans
            continue
        previous = cell._tc
        cells.append(" ".join(cell.text.split()))
    return "\t".join(cells)


def _blocks(document: WordDocument) -> Iterator[tuple[str, Paragraph | None]]:
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                yield _row_text(list(row.cells)), None
        else:
            yield block.text, block


def _title(document: WordDocument, paragraphs: list[Paragraph]) -> str:
    if document.core_properties.title and document.core_properties.title.strip():
        return str(document.core_properties.title)
    styles = document.styles.element
    named = [p for p in paragraphs if p.text.strip()][:_TITLE_SEARCH]
    for paragraph in named:
        # The style id is read from the paragraph's XML: python-docx's Paragraph.style
        # resolves the default style on every call, most of the reading time.
        style = styles.get_by_id(paragraph._p.style) if paragraph._p.style else None
        name = (style.name_val or "") if style is not None else ""
        if name.lower().startswith(_TITLE_STYLES):
            return paragraph.text
    return ""


def read_docx(data: bytes, source_name: str) -> Document:
    """A .docx as a Document; the title from its properties, a heading, or the first line.

    Raises DocumentRefused: macro_enabled, corrupt_docx, empty_document, or an archive code.
    """
    _refuse_macros(unpack(data))
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document))
        paragraphs = [paragraph for _, paragraph in blocks if paragraph is not None]
        title = _title(document, paragraphs)
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, SyntaxError):
        raise DocumentRefused("corrupt_docx", source_name) from None
    return make_document([text for text, _ in blocks], source_name, "docx", title=title)
