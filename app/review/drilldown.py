"""How each expert's answer is drawn next to the others on the review page: spans marked in
the text (``ner``), the edit as a diff (``clean``), boxes over the image (``bbox``)."""

from __future__ import annotations

from typing import Any

from tasks import text_diff


def span_segments(text: str, spans: list[list[Any]]) -> list[tuple[str, str | None]]:
    """The text cut at span edges: ``(piece, label or None)``; an overlapped part keeps the
    first span's label."""
    labels: list[str | None] = [None] * len(text)
    for start, end, label in sorted(spans, key=lambda span: (span[0], span[1])):
        for position in range(max(0, int(start)), min(len(text), int(end))):
            if labels[position] is None:
                labels[position] = str(label)
    pieces: list[tuple[str, str | None]] = []
    for char, label in zip(text, labels, strict=True):
        if pieces and pieces[-1][1] == label:
            pieces[-1] = (pieces[-1][0] + char, label)
        else:
            pieces.append((char, label))
    return pieces


def box_rects(boxes: list[list[Any]], width: int, height: int) -> list[dict[str, Any]]:
    """Boxes in percent of the image, for an SVG drawn over its preview."""
    if not width or not height:
        return []
    return [
        {
            "x": 100 * float(x) / width,
            "y": 100 * float(y) / height,
            "w": 100 * float(w) / width,
            "h": 100 * float(h) / height,
            "label": str(label),
        }
        for x, y, w, h, label in boxes
    ]


def drawing(
    kind: str, text: str, result: dict[str, Any], size: tuple[int, int] | None
) -> dict[str, Any]:
    """What the review page draws for one answer of a task type."""
    if kind == "ner":
        return {"segments": span_segments(text, result.get("spans", []))}
    if kind == "clean":
        return {
            "diff": text_diff(text, str(result.get("text", ""))),
            "flags": result.get("flags", []),
        }
    if kind == "bbox" and size is not None:
        return {"boxes": box_rects(result.get("boxes", []), *size)}
    labels = result.get("labels") or ([result["label"]] if "label" in result else [])
    return {"labels": labels}
