"""S3 multipart uploads whose parts arrive one request at a time (resumable corpus uploads).

A part is streamed from the caller's iterator straight into ``UploadPart`` with a presigned
URL (``UNSIGNED-PAYLOAD``), so the app holds one chunk of it at a time whatever the part's
size; the SDK's own ``_upload_part`` would need the whole part in memory to sign it. The object
store's list of parts is the only record of which parts arrived.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import urllib3
from minio.datatypes import Part
from minio.error import MinioException, S3Error

from app.storage import ObjectStore, StorageUnavailable

PART_TIMEOUT = urllib3.Timeout(connect=3.0, read=120.0)


class UploadGone(Exception):
    """The object store no longer knows the multipart upload (aborted, completed or swept)."""


@dataclass(frozen=True)
class StoredPart:
    """A part the object store holds."""

    number: int
    size: int
    etag: str


def _storage_error(exc: Exception) -> Exception:
    if isinstance(exc, S3Error) and exc.code == "NoSuchUpload":
        return UploadGone(str(exc))
    return StorageUnavailable(str(exc))


def start(store: ObjectStore, key: str, metadata: dict[str, str]) -> str:
    """Begin a multipart upload of ``key``; returns its upload id."""
    headers: dict[str, Any] = {"Content-Type": "application/octet-stream"}
    headers.update({f"x-amz-meta-{name}": value for name, value in metadata.items()})
    try:
        return str(store.client._create_multipart_upload(store.bucket, key, headers))
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        raise StorageUnavailable(str(exc)) from exc


def put_part(
    store: ObjectStore, key: str, upload_id: str, number: int, length: int, body: Iterable[bytes]
) -> None:
    """Stream ``length`` bytes from ``body`` into part ``number``. A body that ends early or
    raises breaks the connection, so the store keeps no partial part."""
    url = store.client.get_presigned_url(
        "PUT",
        store.bucket,
        key,
        expires=timedelta(minutes=30),
        extra_query_params={"uploadId": upload_id, "partNumber": str(number)},
    )
    try:
        response = store.http.request(
            "PUT",
            url,
            body=body,
            headers={"Content-Length": str(length)},
            retries=False,
            timeout=PART_TIMEOUT,
        )
    except urllib3.exceptions.HTTPError as exc:
        raise StorageUnavailable(str(exc)) from exc
    if response.status == 404 and b"NoSuchUpload" in response.data:
        raise UploadGone(key)
    if response.status != 200:
        raise StorageUnavailable(f"UploadPart answered {response.status}")


def parts(store: ObjectStore, key: str, upload_id: str) -> list[StoredPart]:
    """Every part the store holds for the upload, by number."""
    found: list[StoredPart] = []
    marker: str | None = None
    try:
        while True:
            page = store.client._list_parts(
                store.bucket, key, upload_id, max_parts=1000, part_number_marker=marker
            )
            found += [StoredPart(p.part_number, p.size or 0, p.etag) for p in page.parts]
            if not page.is_truncated or not page.next_part_number_marker:
                return sorted(found, key=lambda part: part.number)
            marker = page.next_part_number_marker
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        raise _storage_error(exc) from exc


def complete(store: ObjectStore, key: str, upload_id: str, stored: list[StoredPart]) -> None:
    """Join the parts into the object ``key``."""
    try:
        store.client._complete_multipart_upload(
            store.bucket, key, upload_id, [Part(p.number, p.etag) for p in stored]
        )
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        raise _storage_error(exc) from exc


def abort(store: ObjectStore, key: str, upload_id: str) -> None:
    """Drop the upload and its parts; one the store no longer knows is not an error."""
    try:
        store.client._abort_multipart_upload(store.bucket, key, upload_id)
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        error = _storage_error(exc)
        if not isinstance(error, UploadGone):
            raise error from exc


def exists(store: ObjectStore, key: str) -> bool:
    """Whether the object ``key`` is stored (a completed upload)."""
    try:
        store.client.stat_object(store.bucket, key)
    except S3Error as exc:
        if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
            return False
        raise StorageUnavailable(str(exc)) from exc
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        raise StorageUnavailable(str(exc)) from exc
    return True


class _RangeReader(io.RawIOBase):
    """The object as a seekable raw file: each read is a ranged GET."""

    def __init__(self, store: ObjectStore, key: str, size: int) -> None:
        super().__init__()
        self.store, self.key, self.size, self.position = store, key, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer: Any) -> int:
        length = min(len(buffer), self.size - self.position)
        if length <= 0:
            return 0
        try:
            response = self.store.client.get_object(
                self.store.bucket, self.key, offset=self.position, length=length
            )
            try:
                data = response.read()
            finally:
                response.close()
                response.release_conn()
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def open_object(store: ObjectStore, key: str) -> tuple[io.BufferedReader, int]:
    """A seekable, buffered reader of a stored object (for format sniffing) and its size."""
    try:
        size = store.client.stat_object(store.bucket, key).size or 0
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        raise StorageUnavailable(str(exc)) from exc
    return io.BufferedReader(_RangeReader(store, key, size), buffer_size=256 * 1024), size
