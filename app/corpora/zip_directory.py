"""How many entries a ZIP declares, read from its end-of-central-directory record (a few
bytes at the end of the file) without building the directory: a million-member archive is
refused in the upload request instead of costing the worker its memory. The count is the
archive's own claim; the ingestion still counts the members it reads (``images.MAX_MEMBERS``).
"""

from __future__ import annotations

from typing import IO

EOCD = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_EOCD = b"PK\x06\x06"
# End record (22 bytes) + the longest comment + the ZIP64 locator before it.
TAIL_BYTES = 22 + 0xFFFF + 20
#: Entries (files and folders) an upload may declare; the ingestion's cap on files is lower.
MAX_DIRECTORY_ENTRIES = 20_000


def declared_entries(stream: IO[bytes]) -> int | None:
    """The total number of entries the ZIP's directory declares; None when it has no end
    record (a damaged file, which the ZIP reader then reports). Moves the stream's position."""
    size = stream.seek(0, 2)
    stream.seek(max(0, size - TAIL_BYTES))
    tail = stream.read(TAIL_BYTES)
    at = tail.rfind(EOCD)
    if at < 0 or len(tail) < at + 12:
        return None
    total = int.from_bytes(tail[at + 10 : at + 12], "little")
    locator = at - 20
    if total == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == ZIP64_LOCATOR:
        stream.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little"))
        record = stream.read(40)
        if record[:4] == ZIP64_EOCD and len(record) == 40:
            total = int.from_bytes(record[32:40], "little")
    return total
