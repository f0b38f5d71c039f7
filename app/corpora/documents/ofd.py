"""OFD files (GB/T 33190-2016, the format of Chinese e-government documents).

An OFD is a ZIP: ``OFD.xml`` names the document root (``DocBody/DocRoot``), whose
``Document.xml`` lists the pages (``Pages/Page/@BaseLoc``); each page's ``Content.xml`` draws
text as ``TextObject`` elements (``Boundary`` in mm, y down) holding ``TextCode`` elements
positioned at ``X``/``Y`` inside that box. Text is put in reading order (top to bottom, left
to right) and grouped into paragraphs like PDF text. Template pages are not read.

Locations (ST_Loc) may be relative or start at the package root (``/Doc_0/…``, §7.2 of the
standard). One that is a URL, a drive or network path, or climbs above the package root is an
external reference, and the whole file is refused, whether or not this reader would follow it.
"""

from __future__ import annotations

import posixpath
import re
from xml.etree.ElementTree import Element

from app.corpora.documents import layout
from app.corpora.documents.model import Document, DocumentRefused, make_document
from app.corpora.documents.packages import local_name, parse_xml, unpack

ENTRY = "OFD.xml"
# Elements whose text is a location, in OFD.xml, Document.xml, resource and page files.
_LOCATION_ELEMENTS = frozenset(
    {
        "DocRoot",
        "Signatures",
        "PublicRes",
        "DocumentRes",
        "PageRes",
        "Annotations",
        "Attachments",
        "CustomTags",
        "Extensions",
        "MediaFile",
        "FontFile",
        "FileLoc",
        "SignedValue",
        "Thumbnail",
        "Outlines",
        "Permissions",
        "Actions",
        "VPreferences",
    }
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def is_ofd(names: list[str]) -> bool:
    """True for the member names of an OFD package."""
    return ENTRY in names


def resolve(base_dir: str, location: str) -> str:
    """A location inside the package as a member name; raises DocumentRefused if external."""
    location = location.strip()
    if not location:
        raise DocumentRefused("corrupt_ofd", "empty location")
    if (
        _SCHEME.match(location)
        or "\\" in location
        or location.startswith("//")
        or "\x00" in location
    ):
        raise DocumentRefused("external_reference", location[:200])
    joined = location.lstrip("/") if location.startswith("/") else f"{base_dir}/{location}"
    parts: list[str] = []
    for part in joined.split("/"):
        if part == "..":
            if not parts:
                raise DocumentRefused("external_reference", location[:200])
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _check_locations(root: Element, base_dir: str) -> None:
    for element in root.iter():
        if element.get("BaseLoc") is not None:
            resolve(base_dir, element.get("BaseLoc", ""))
        if local_name(element.tag) in _LOCATION_ELEMENTS and (element.text or "").strip():
            resolve(base_dir, element.text or "")


class _Package:
    """The unpacked members, parsed on demand with every location checked."""

    def __init__(self, members: dict[str, bytes]) -> None:
        self.members = members

    def xml(self, name: str) -> Element:
        if name not in self.members:
            raise DocumentRefused("corrupt_ofd", f"missing {name[:200]}")
        root = parse_xml(self.members[name], "corrupt_ofd", name)
        _check_locations(root, posixpath.dirname(name))
        return root


def _children(root: Element, name: str) -> list[Element]:
    return [element for element in root.iter() if local_name(element.tag) == name]


def _first_text(root: Element, name: str) -> str:
    found = _children(root, name)
    return (found[0].text or "").strip() if found else ""


def _number(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value else default
    except ValueError:
        return default


def _object_runs(text_object: Element) -> list[layout.Run]:
    box = (text_object.get("Boundary") or "0 0 0 0").split()
    left, top = _number(box[0] if box else None), _number(box[1] if len(box) > 1 else None)
    size = _number(text_object.get("Size"), 1.0) or 1.0
    runs: list[layout.Run] = []
    x = y = 0.0
    for code in _children(text_object, "TextCode"):
        # A TextCode without X or Y goes on from the previous one's (GB/T 33190, table 45).
        x, y = _number(code.get("X"), x), _number(code.get("Y"), y)
        if code.text and code.text.strip():
            runs.append(layout.run(left + x, top + y, size, code.text))
    return runs


def page_runs(content: Element) -> list[layout.Run]:
    """Text runs of one page's Content.xml, at absolute positions (mm, y down).

    A TextObject's ``CTM`` (rotation, scaling) is not applied: text is placed by its
    ``Boundary`` and the TextCode offsets.
    """
    return [
        run for text_object in _children(content, "TextObject") for run in _object_runs(text_object)
    ]


def _sheet(document: Element) -> tuple[float, float] | None:
    # CommonData/PageArea/PhysicalBox: "x y width height" in mm (pages rarely override it).
    box = _first_text(document, "PhysicalBox").split()
    if len(box) != 4:
        return None
    left, width = _number(box[0]), _number(box[2])
    return (left, left + width) if width > 0 else None


def _document_root(package: _Package) -> tuple[str, str]:
    entry = package.xml(ENTRY)
    body = _children(entry, "DocBody")
    if not body or not _first_text(body[0], "DocRoot"):
        raise DocumentRefused("corrupt_ofd", "no DocBody/DocRoot")
    return resolve("", _first_text(body[0], "DocRoot")), _first_text(body[0], "Title")


def _check_resources(package: _Package, document: Element, doc_dir: str) -> None:
    for name in ("PublicRes", "DocumentRes"):
        for element in _children(document, name):
            member = resolve(doc_dir, element.text or "")
            if member in package.members:
                package.xml(member)


def read_ofd(data: bytes, source_name: str) -> Document:
    """An OFD's first document as a Document; the title from DocInfo or the first paragraph.

    Raises DocumentRefused: external_reference, unsafe_xml, corrupt_ofd, no_text_layer, or
    an archive code.
    """
    package = _Package(unpack(data))
    doc_name, title = _document_root(package)
    document = package.xml(doc_name)
    doc_dir = posixpath.dirname(doc_name)
    _check_resources(package, document, doc_dir)
    pages = [page for page in _children(document, "Page") if page.get("BaseLoc")]
    lines = []
    for page in pages:
        content = package.xml(resolve(doc_dir, page.get("BaseLoc", "")))
        lines.append(layout.lines_in_reading_order(page_runs(content)))
    paragraphs = layout.pages_text(lines, _sheet(document))
    if not paragraphs:
        raise DocumentRefused("no_text_layer", f"{len(pages)} pages")
    return make_document(paragraphs, source_name, "ofd", title=title, pages=len(pages))
