"""A write-only ZIP whose memory does not grow with its member count.

``zipfile.ZipFile`` keeps a ``ZipInfo`` object per member (in ``filelist`` and
``NameToInfo``) until the archive is closed, for the central directory at its end: about
0.4 KB a member, so a Pascal VOC or YOLO export of a million images held some 0.4 GB. Here
each member's central-directory fields are packed (about 60 bytes and its name) into a spooled
temporary file as soon as the member is written, and read back, one at a time, when
``ZipFile`` writes the directory, so that the archive's bytes are exactly those of
``zipfile`` (ZIP64 records included) with memory flat. A small member is also written in one
pass (its local header once, with its CRC and sizes), the same bytes in less time.
"""

from __future__ import annotations

import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

SPOOL_BYTES = 8 * 1024 * 1024
#: Members up to this size take :meth:`MemberZipFile.writestr`'s short way (all of VOC's
#: and YOLO's label files); larger ones, which may need ZIP64 sizes, zipfile's own.
SMALL_MEMBER_BYTES = 1024 * 1024

# header offset, sizes, CRC, date and time, compress type, flag bits, create system and
# version, extract version, reserved, volume, internal and external attributes, then the
# lengths of the name (UTF-8), the extra field and the comment that follow the fixed part.
_FIXED = struct.Struct("<QQQI6HHHBBBBHHIHHH")


class _PackedMembers:
    """``ZipFile.filelist`` for writing: ``append`` packs, iterating unpacks in order."""

    def __init__(self) -> None:
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        self.count = 0

    def append(self, info: zipfile.ZipInfo) -> None:
        name = info.filename.encode("utf-8")
        fixed = _FIXED.pack(
            info.header_offset,
            info.file_size,
            info.compress_size,
            info.CRC,
            *info.date_time,
            info.compress_type,
            info.flag_bits,
            info.create_system,
            info.create_version,
            info.extract_version,
            info.reserved,
            info.volume,
            info.internal_attr,
            info.external_attr,
            len(name),
            len(info.extra),
            len(info.comment),
        )
        self.spool.seek(0, 2)
        self.spool.write(fixed + name + info.extra + info.comment)
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[zipfile.ZipInfo]:
        self.spool.seek(0)
        for _ in range(self.count):
            fields = _FIXED.unpack(self.spool.read(_FIXED.size))
            name_length, extra_length, comment_length = fields[-3:]
            info = zipfile.ZipInfo(self.spool.read(name_length).decode("utf-8"), fields[4:10])
            info.header_offset, info.file_size, info.compress_size, info.CRC = fields[:4]
            (
                info.compress_type,
                info.flag_bits,
                info.create_system,
                info.create_version,
                info.extract_version,
                info.reserved,
                info.volume,
                info.internal_attr,
                info.external_attr,
            ) = fields[10:19]
            info.extra = self.spool.read(extra_length)
            info.comment = self.spool.read(comment_length)
            yield info


class _NoNames(dict[str, zipfile.ZipInfo]):
    """``ZipFile.NameToInfo`` that keeps nothing: the writers name members uniquely."""

    def __setitem__(self, key: str, value: zipfile.ZipInfo) -> None:
        return None


class MemberZipFile(zipfile.ZipFile):
    """``zipfile.ZipFile(out, "w", ZIP_DEFLATED)`` for writing many small members with flat
    memory. Members cannot be listed or read back; names must already be unique."""

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__(out, "w", zipfile.ZIP_DEFLATED)
        self.members = _PackedMembers()
        self.filelist: Any = self.members
        self.NameToInfo = _NoNames()
        # zipfile's own finding: an output whose tell() fails gets data descriptors.
        self.seekable_out: bool = getattr(self, "_seekable", False)

    def writestr(  # type: ignore[override]
        self, name: str | zipfile.ZipInfo, data: str | bytes, *args: Any, **kwargs: Any
    ) -> None:
        """``ZipFile.writestr`` with the same bytes, shorter for a small member named by a
        string: compressed in one call and its local header written once with its CRC and
        sizes, instead of zipfile's write handle that writes the header, the data, then
        seeks back to write the header again (most of the time of a label file)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if args or kwargs or not isinstance(name, str) or not self.seekable_out:
            super().writestr(name, raw, *args, **kwargs)
            return
        if len(raw) > SMALL_MEMBER_BYTES or name.endswith("/") or not self.fp:
            super().writestr(name, raw)
            return
        info = zipfile.ZipInfo(name, time.localtime(time.time())[:6])
        info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
        packed = zlib.compress(raw, zlib.Z_DEFAULT_COMPRESSION, -15)  # zipfile's deflate
        info.file_size, info.compress_size, info.CRC = len(raw), len(packed), zlib.crc32(raw)
        info.header_offset = self.start_dir
        self.fp.seek(self.start_dir)
        header = info.FileHeader(False)
        self.fp.write(header)
        self.fp.write(packed)
        self.start_dir += len(header) + len(packed)
        self._didModify = True
        self.filelist.append(info)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.members.spool.close()
