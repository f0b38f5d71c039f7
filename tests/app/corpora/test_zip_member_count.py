"""An archive of too many members is refused in the upload request itself, from the count its
end record declares, before the worker would build a directory of a million entries."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

from app.corpora.zip_directory import MAX_DIRECTORY_ENTRIES, declared_entries
from tests.app.builders import World


def _many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"{number}.txt", b"")
    return buffer.getvalue()


def _claiming(count: int, comment: bytes = b"") -> bytes:
    """A one-member ZIP whose end record claims ``count`` entries (ZIP64 when needed)."""
    data = bytearray(_many_members(1))
    end = data.rfind(b"PK\x05\x06")
    if count < 0xFFFF:
        data[end + 8 : end + 12] = struct.pack("<HH", count, count)
        return bytes(data) + comment
    directory_at = struct.unpack("<I", data[end + 16 : end + 20])[0]
    directory_size = struct.unpack("<I", data[end + 12 : end + 16])[0]
    zip64_at = end
    record = b"PK\x06\x06" + struct.pack(
        "<QHHIIQQQQ", 44, 45, 45, 0, 0, count, count, directory_size, directory_at
    )
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, zip64_at, 1)
    tail = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return bytes(data[:end]) + record + locator + tail


def test_the_declared_count_is_read_from_the_end_record() -> None:
    assert declared_entries(io.BytesIO(_many_members(3))) == 3
    assert declared_entries(io.BytesIO(_claiming(1_000_000))) == 1_000_000
    assert declared_entries(io.BytesIO(b"not a zip at all")) is None


def _corpora(app: Any) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Corpus

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Corpus)) or 0


def test_a_zip_of_too_many_members_is_refused_before_201(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    for archive in (_many_members(MAX_DIRECTORY_ENTRIES + 1), _claiming(1_000_000)):
        refused = vendor.upload(archive, "批量.zip", name="批量")
        assert refused.status_code == 422
        assert "最多" in refused.json["error"]["message"]
    assert _corpora(app) == 0
