"""Pascal VOC: one XML per picture, ``filename`` and an ``object`` per box."""

from __future__ import annotations

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from app.corpora.annotations_in.boxes import BoxFile, finite
from app.corpora.annotations_in.shapes import RecordError

TAGS = ("xmin", "ymin", "xmax", "ymax")


def voc_file(data: bytes, source: str) -> BoxFile:
    """One Pascal VOC XML: ``filename`` and an ``object`` per box (``name``, ``bndbox``
    xmin/ymin/xmax/ymax in pixels). DTDs and entities are refused (defusedxml)."""
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException):  # damaged, or DTDs and entities
        raise RecordError("voc_xml") from None
    if root.tag != "annotation":
        raise RecordError("voc_xml")
    found = BoxFile(source, (root.findtext("filename") or "").strip())
    for thing in root.iter("object"):
        label = (thing.findtext("name") or "").strip()
        box = thing.find("bndbox")
        if not label or box is None:
            raise RecordError("bad_box")
        try:
            xmin, ymin, xmax, ymax = (float(box.findtext(t) or "") for t in TAGS)
        except ValueError:
            raise RecordError("bad_box") from None
        found.boxes.append([*finite(xmin, ymin, xmax - xmin, ymax - ymin), label])
    return found
