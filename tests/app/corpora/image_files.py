"""Pictures and archives to upload (PNG, JPEG, a zip, a PNG that declares 10^10 pixels), an
upload that must succeed, and the keys the object store holds."""

from __future__ import annotations

import functools
import io
import stat
import struct
import zipfile
import zlib
from typing import Any

from PIL import Image

from tests.app.builders import Api


def png(width: int = 64, height: int = 48, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width: int = 80, height: int = 60) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def archive(members: list[tuple[str, bytes]], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def huge_png() -> bytes:
    """A valid PNG header declaring 100,000 × 100,000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@functools.cache
def wide_png(side: int = 7000) -> bytes:
    """A real, complete black RGB PNG of ``side`` × ``side`` pixels (49 million at 7,000: just
    under the pixel cap) that is about 143 KB on disk, written row by row so the test never
    holds the decoded picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * side)  # filter byte, then black pixels
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def objects(app: Any) -> set[str]:
    from app.storage import object_store

    with app.app_context():
        store = object_store()
        return {o.object_name for o in store.client.list_objects(store.bucket, recursive=True)}


def upload(api: Api, data: bytes, name: str) -> dict[str, Any]:
    created = api.upload(data, name)
    assert created.status_code == 201, created.json
    corpus: dict[str, Any] = api.get(f"/api/v1/corpora/{created.json['id']}").json
    return corpus
