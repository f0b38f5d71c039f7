"""HTML pages: the visible text of the body, one paragraph per block element.

Script, style, navigation and other invisible or chrome elements are dropped; the title comes
from ``<title>``, else the first ``<h1>``. A declared ``charset`` is used when it decodes the
bytes (GB 2312 and GBK are read as their superset GB18030); otherwise the text cascade decides.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from app.corpora.documents.model import Document, make_document
from app.corpora.documents.text import decode_text

_HIDDEN = frozenset(
    {
        "script",
        "style",
        "nav",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "head",
        "select",
        "button",
    }
)
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "br",
        "hr",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "form",
        "address",
        "body",
        "caption",
    }
)
_CELLS = frozenset({"td", "th"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SPACES = re.compile(" {2,}")
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


class _VisibleText(HTMLParser):
    """Collects block texts, the <title> and the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.hidden = 0
        self.in_title = False
        self.title = ""
        self.h1: list[str] | None = None
        self.first_h1 = ""

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current))
        if text.strip():
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag == "body":
            self.hidden = 0  # a page that never closed its <head>
            self.flush()
        elif tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.flush()
        elif tag in _CELLS and self.current:
            self.current.append("\t")
        if tag == "h1" and not self.first_h1:
            self.h1 = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.flush()
        if tag == "h1" and self.h1 is not None:
            self.first_h1, self.h1 = "".join(self.h1), None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.hidden:
            # Source line breaks are layout, not text: collapse all runs of white space.
            self.current.append(" ".join(data.split()) if data.strip() else " ")
            if self.h1 is not None:
                self.h1.append(data)


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode an HTML page by its declared charset, else by the text cascade."""
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        encoding = _SUPERSETS.get(name, name)
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: the bytes decide
    return decode_text(data)


def read_html(data: bytes, source_name: str) -> Document:
    """An HTML page as a Document of its visible paragraphs."""
    text, encoding = decode_html(data)
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    parser.flush()
    title = parser.title.strip() or parser.first_h1.strip()
    return make_document(parser.blocks, source_name, "html", title=title, encoding=encoding)
