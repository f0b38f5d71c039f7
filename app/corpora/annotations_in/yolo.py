"""YOLO: one ``.txt`` per picture, ``class cx cy w h`` per line in fractions of the picture,
and the class names in ``classes.txt`` or ``data.yaml``."""

from __future__ import annotations

import json
import posixpath
import re

from app.corpora.annotations_in.boxes import BoxFile, finite
from app.corpora.annotations_in.shapes import RecordError


def yolo_file(text: str, source: str, classes: list[str]) -> BoxFile:
    """One YOLO label file: ``class cx cy w h`` per line, fractions of the picture; errors
    name the line (``source:line``)."""
    found = BoxFile(source, "", relative=True)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        columns = line.split()
        try:
            if len(columns) != 5:
                raise RecordError("yolo_line")
            index = int(columns[0])
            values = finite(*(float(c) for c in columns[1:]))
            if not 0 <= index < len(classes):
                raise RecordError("yolo_class")
        except (ValueError, RecordError) as error:
            code = error.code if isinstance(error, RecordError) else "yolo_line"
            raise RecordError(code, f"{source}:{number}") from None
        found.boxes.append([*values, classes[index]])
    return found


_YAML_ITEM = re.compile(r"^\s+(?:-\s*|\d+\s*:\s*)(.+?)\s*$")


def _yaml_name(raw: str) -> str:
    raw = raw.strip()
    if raw[:1] in "\"'":
        try:
            return str(json.loads(raw)) if raw[0] == '"' else raw[1:-1]
        except ValueError:
            raise RecordError("yolo_classes") from None
    return raw


def yolo_classes(name: str, text: str) -> list[str]:
    """Class names: ``classes.txt`` (class n on line n + 1) or the ``names`` of a
    ``data.yaml`` (a block list, a block mapping ``0: name``, or an inline ``[a, b]``)."""
    if posixpath.basename(name).lower() == "classes.txt":
        return [line.strip() for line in text.splitlines() if line.strip()]
    lines = text.splitlines()
    for at, line in enumerate(lines):
        if line.startswith("names:"):
            inline = line[len("names:") :].strip()
            if inline.startswith("["):
                return [_yaml_name(n) for n in inline.strip("[]").split(",") if n.strip()]
            names = []
            for item in lines[at + 1 :]:
                match = _YAML_ITEM.match(item)
                if not match:
                    break
                names.append(_yaml_name(match.group(1)))
            return names
    raise RecordError("yolo_classes")
