"""Image corpora: archives and images checked before anything is stored.

A ZIP is refused whole for an unsafe member name (absolute, ``..``, backslash), a symlink, a
nested archive, more than ``MAX_MEMBERS`` members, or a member that inflates more than 100:1 or
past the byte caps — counted while reading, never trusting the header. Each image must really
be PNG or JPEG (Pillow with a format allow-list), not a decompression bomb (warnings are
errors), and load completely (a truncated JPEG fails).
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

from PIL import Image

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


def check_image(name: str, data: bytes) -> CheckedImage:
    """Verify PNG/JPEG bytes and make the preview; raises ValueError with an error code."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                image.load()
                extension, content_type = FORMATS[str(image.format)]
                width, height = image.size
                preview = image.convert("RGB")
                preview.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
                buffer = io.BytesIO()
                preview.save(buffer, "JPEG", quality=85)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError("image_too_many_pixels") from None
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
        buffer.getvalue(),
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
