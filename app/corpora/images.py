"""Image corpora: archives and images checked before anything is stored.

A ZIP is refused whole for an unsafe member name (absolute, ``..``, backslash), a symlink, a
nested archive, more than ``MAX_MEMBERS`` members, or a member that inflates more than 100:1 or
past the byte caps — counted while reading, never trusting the header. Each image must really
be PNG or JPEG (Pillow with a format allow-list), not a decompression bomb (warnings are
errors), and load completely (a truncated JPEG fails).

Decoding stays within a memory budget (callers pass ``IMAGE_DECODE_BUDGET``): a picture's
decoded size, width × height × bands × bytes per sample, is read from its header before any
pixel is decoded, and a picture over the budget is refused (a 143 KB PNG of 49 million
pixels would otherwise cost 420 MB). A JPEG is decoded at the smallest DCT scale (1/2 … 1/8) that
still gives the preview, so its budget counts that reduced size; the preview is shrunk before
its colours are converted, so no second full-size copy is made.
"""

from __future__ import annotations

import hashlib
import io
import stat
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageMode

MAX_MEMBERS = 10_000
MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 100
MAX_PIXELS = 50_000_000
PREVIEW_SIDE = 1600
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
#: Content type of an image by file extension (uploads and stored originals).
IMAGE_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # above: a warning (made an error below); 2×: an error
#: Bytes one picture may take once decoded (the default of ``IMAGE_DECODE_BUDGET``).
DECODE_BUDGET = 64 * 1024 * 1024
# Modes converted to RGB at full size before the preview is shrunk (a palette or a bilevel
# picture shrinks badly): counted as three bands.
_CONVERTED_FIRST = {"1": 3, "P": 3}
# Modes the preview is shrunk in before their colours are converted.
_SHRUNK_FIRST = {"L", "LA", "RGB", "RGBA", "CMYK", "YCbCr"}


class ImageOverBudget(ValueError):
    """A picture whose decoded size is over the memory budget (code ``image_over_budget``)."""

    def __init__(self, width: int, height: int, decoded: int, budget: int) -> None:
        super().__init__("image_over_budget")
        self.width, self.height, self.decoded, self.budget = width, height, decoded, budget


def decoded_size(width: int, height: int, mode: str) -> int:
    """Bytes of a decoded picture: width × height × bands × bytes per sample of its mode
    (palette and bilevel pictures count three bands: they are converted to RGB)."""
    spec = ImageMode.getmode(mode)
    bands = _CONVERTED_FIRST.get(mode, len(spec.bands))
    return width * height * bands * int(spec.typestr[-1])


def open_within_budget(image: Image.Image, budget: int) -> tuple[int, int]:
    """For an opened (not yet decoded) picture: choose the JPEG DCT scale for the preview,
    then raise ImageOverBudget if decoding would take more than ``budget`` bytes. Returns the
    picture's own width and height (before any scaling)."""
    width, height = image.size
    if image.format == "JPEG":
        image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))
    decoded = decoded_size(image.size[0], image.size[1], image.mode)
    if decoded > budget:
        raise ImageOverBudget(width, height, decoded, budget)
    return width, height


def check_header(stream: IO[bytes], budget: int = DECODE_BUDGET) -> tuple[int, int]:
    """Read a PNG or JPEG header from ``stream`` (no pixel is decoded) and refuse it when
    its decoding would be over the budget. Returns (width, height) and leaves the stream at
    its start. Raises ImageOverBudget, or ValueError ``not_an_image`` /
    ``image_too_many_pixels``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=list(FORMATS)) as image:
                return open_within_budget(image, budget)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError("image_too_many_pixels") from None
    except (OSError, SyntaxError) as exc:
        raise ValueError("not_an_image") from exc
    finally:
        stream.seek(0)


def _preview(image: Image.Image) -> bytes:
    """A JPEG of at most PREVIEW_SIDE a side, shrunk before converted where the mode allows."""
    if image.mode in _SHRUNK_FIRST:
        image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
        preview = image.convert("RGB")
    else:
        preview = image.convert("RGB")
        preview.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    buffer = io.BytesIO()
    preview.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class ArchiveRefused(ValueError):
    """The whole archive is refused; ``code`` names why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckedImage:
    """A verified image: its bytes, format, size and a JPEG preview."""

    name: str
    data: bytes
    sha256: str
    extension: str
    content_type: str
    width: int
    height: int
    preview: bytes


def check_image(name: str, data: bytes, budget: int = DECODE_BUDGET) -> CheckedImage:
    """Verify PNG/JPEG bytes and make the preview within the decoding memory budget (bytes:
    callers pass ``IMAGE_DECODE_BUDGET``); raises ImageOverBudget, or ValueError with an
    error code."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
                open_within_budget(probe, budget)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                extension, content_type = FORMATS[str(image.format)]
                width, height = open_within_budget(image, budget)
                image.load()
                preview = _preview(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError("image_too_many_pixels") from None
    except ImageOverBudget:
        raise
    except (OSError, SyntaxError, ValueError):  # not an image, wrong format, truncated
        raise ValueError("not_an_image") from None
    return CheckedImage(
        name,
        data,
        hashlib.sha256(data).hexdigest(),
        extension,
        content_type,
        width,
        height,
        preview,
    )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    limit = min(MAX_IMAGE_BYTES, budget)
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ArchiveRefused(
                        "archive_too_large" if size > budget else "member_too_large"
                    )
                if size > MAX_RATIO * max(info.compress_size, 1) and size > 1024 * 1024:
                    raise ArchiveRefused("compression_ratio")
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error):
        # a lying header (CRC or size), an unknown compression, an encrypted member, a
        # damaged deflate stream
        raise ArchiveRefused("bad_archive") from None
    return b"".join(chunks)


def _check_member_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or ":" in parts[0]:
        raise ArchiveRefused("unsafe_member")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ArchiveRefused("symlink_member")
    if name.lower().endswith((".zip", ".jar", ".7z", ".rar", ".gz", ".tar")):
        raise ArchiveRefused("nested_archive")


def archive_members(
    stream: IO[bytes], *, allow_packages: bool = False
) -> Iterator[tuple[int, str, bytes]]:
    """Yield ``(number, name, bytes)`` of each file of a ZIP; raises ArchiveRefused.

    A member that is itself a ZIP is refused, unless ``allow_packages``: then it is yielded
    (a .docx or an OFD is a ZIP), and the caller must check it with this function in turn.
    """
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise ArchiveRefused("bad_archive") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise ArchiveRefused("too_many_members")
        for info in infos:
            _check_member_name(info)
        budget = MAX_TOTAL_BYTES
        for number, info in enumerate(infos, start=1):
            data = _read_member(archive, info, budget)
            if data.startswith(b"PK\x03\x04") and not allow_packages:
                raise ArchiveRefused("nested_archive")
            budget -= len(data)
            yield number, info.filename, data
