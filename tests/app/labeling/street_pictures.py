"""Pictures and gestures of the image-box browser tests: a street PNG with shapes to box, a
ZIP of pictures, and a mouse drag over the shown image."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 2400, 1200
LABELS = ["车辆", "行人", "路牌"]


def street(width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A PNG with a few shapes to box: a road, a car and a sign."""
    picture = Image.new("RGB", (width, height), (176, 206, 232))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, height * 0.6, width, height), fill=(96, 100, 108))
    draw.rectangle((width * 0.2, height * 0.45, width * 0.45, height * 0.75), fill=(200, 40, 40))
    draw.ellipse((width * 0.7, height * 0.2, width * 0.8, height * 0.4), fill=(30, 120, 60))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def archive(*members: tuple[str, bytes]) -> bytes:
    """A ZIP of (name, bytes) members, as a vendor uploads a folder of pictures."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


def drag(page: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A mouse drag between two points given in screen pixels from the image's corner."""
    corner = page.locator("#bbox-overlay").bounding_box()
    page.mouse.move(corner["x"] + start[0], corner["y"] + start[1])
    page.mouse.down()
    page.mouse.move(corner["x"] + end[0], corner["y"] + end[1], steps=8)
    page.mouse.up()
