"""The VOC and YOLO archives' ZIP writer: zipfile's bytes, without a ZipInfo per member."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import IO

import pytest

from app.exports.formats.zip_members import SMALL_MEMBER_BYTES, MemberZipFile


def write_members(archive: zipfile.ZipFile, count: int) -> None:
    archive.writestr("labels.txt", "车\n人\n")
    for n in range(count):
        archive.writestr(f"Annotations/街道/{n:07d}.xml", f"<annotation>{n}</annotation>")


def plain_zip(out: IO[bytes]) -> zipfile.ZipFile:
    return zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)


def test_the_bytes_are_zipfiles_even_past_65535_members(monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = time.localtime(1764790000)
    monkeypatch.setattr(time, "localtime", lambda *_: stamp)  # the members' dates
    ours, theirs = io.BytesIO(), io.BytesIO()
    with MemberZipFile(ours) as archive:
        write_members(archive, 66_000)  # more than a ZIP without ZIP64 records can count
    with plain_zip(theirs) as archive:
        write_members(archive, 66_000)
    assert ours.getvalue() == theirs.getvalue()
    with zipfile.ZipFile(io.BytesIO(ours.getvalue())) as back:
        assert back.testzip() is None and len(back.namelist()) == 66_001
        assert back.read("Annotations/街道/0065999.xml") == b"<annotation>65999</annotation>"


def test_large_members_and_zipinfo_names_are_the_same_bytes_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stamp = time.localtime(1764790000)
    monkeypatch.setattr(time, "localtime", lambda *_: stamp)
    large = bytes(range(256)) * (SMALL_MEMBER_BYTES // 256 + 1)  # past the short way
    named = zipfile.ZipInfo("说明/readme.txt", (2026, 12, 4, 1, 2, 4))

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("images/big.bin", large)
        archive.writestr(named, "说明")
        archive.writestr("folder/", b"")
        archive.writestr("labels/空.txt", "")
        archive.writestr("stored.txt", "x" * 100, zipfile.ZIP_STORED)

    ours, theirs = io.BytesIO(), io.BytesIO()
    with MemberZipFile(ours) as archive:
        write(archive)
    with plain_zip(theirs) as plain:
        write(plain)
    assert ours.getvalue() == theirs.getvalue()
    with zipfile.ZipFile(ours) as back:
        assert back.testzip() is None and back.read("images/big.bin") == large


def kept_bytes(tmp_path: Path, make: type[MemberZipFile] | None) -> int:
    """Bytes still allocated after writing 20,000 members, before the archive is closed."""
    with (tmp_path / f"{make is None}.zip").open("wb") as out:
        tracemalloc.start()
        archive = MemberZipFile(out) if make else plain_zip(out)
        write_members(archive, 20_000)
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        archive.close()
    return kept


def test_memory_does_not_keep_a_zipinfo_per_member(tmp_path: Path) -> None:
    ours, theirs = kept_bytes(tmp_path, MemberZipFile), kept_bytes(tmp_path, None)
    # zipfile keeps ~0.4 KB a member; the packed entries ~90 bytes (spooled to disk past 8 MB)
    assert ours < theirs / 3, (ours, theirs)


def test_a_closed_archive_gives_its_spool_back(tmp_path: Path) -> None:
    with (tmp_path / "a.zip").open("wb") as out:
        archive = MemberZipFile(out)
        write_members(archive, 3)
        archive.close()
    assert archive.members.spool.closed
    with zipfile.ZipFile(tmp_path / "a.zip") as back:
        assert back.namelist()[:2] == ["labels.txt", "Annotations/街道/0000000.xml"]
