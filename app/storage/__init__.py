"""Object storage over the S3 API (``minio`` SDK): SeaweedFS embedded, MinIO at scale."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, Protocol, cast

import urllib3
from flask import Flask, current_app
from minio import Minio
from minio.error import MinioException, S3Error

PART_SIZE = 8 * 1024 * 1024
PARALLEL_PARTS = 3  # the SDK's own default


class Readable(Protocol):
    """What an upload needs of a stream: ``read(size)`` until it returns ``b""``."""

    def read(self, size: int = -1, /) -> bytes: ...


class StorageUnavailable(RuntimeError):
    """The object store did not answer or refused the operation."""


class ObjectStore:
    """One bucket on an S3 server. Streams in and out; never holds a whole object in memory."""

    def __init__(
        self, endpoint: str, access_key: str, secret_key: str, bucket: str, secure: bool = False
    ) -> None:
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=3.0, read=60.0),
            retries=urllib3.Retry(
                total=2, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)
            ),
            maxsize=16,
        )
        self.http = http  # also sends the parts of resumable uploads (app.storage.multipart)
        self.client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure, http_client=http
        )
        self.bucket = bucket

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist yet."""
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def put_stream(
        self,
        key: str,
        stream: Readable,
        content_type: str,
        metadata: dict[str, str] | None = None,
        parallel_parts: int = PARALLEL_PARTS,
        length: int = -1,
    ) -> None:
        """Upload ``stream`` (of ``length`` bytes, when known) as a multipart object,
        ``parallel_parts`` parts of ``PART_SIZE`` at a time: each is held in memory while it
        is sent, and a stream of unknown length costs a copy of each part."""
        try:
            self.client.put_object(
                self.bucket,
                key,
                cast(BinaryIO, stream),
                length=length,
                part_size=PART_SIZE,
                num_parallel_uploads=parallel_parts,
                content_type=content_type,
                metadata=cast(Any, metadata),
            )
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def iter_chunks(self, key: str, chunk_size: int = 256 * 1024) -> Generator[bytes, None, None]:
        """Yield the object's bytes in chunks; closing the generator early closes the
        download, so the rest of the object is never read."""
        try:
            response = self.client.get_object(self.bucket, key)
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        try:
            yield from response.stream(chunk_size)
        except urllib3.exceptions.HTTPError as exc:
            raise StorageUnavailable(str(exc)) from exc
        finally:
            response.close()
            response.release_conn()

    def exists(self, key: str) -> bool:
        """True when the object is stored; raises StorageUnavailable when the server fails."""
        try:
            self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
                return False
            raise StorageUnavailable(str(exc)) from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        return True

    def delete(self, key: str) -> None:
        """Remove the object; a missing object is not an error."""
        try:
            self.client.remove_object(self.bucket, key)
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object whose key starts with ``prefix``; returns how many."""
        removed = 0
        try:
            for obj in self.client.list_objects(self.bucket, prefix=prefix, recursive=True):
                if obj.object_name:
                    self.client.remove_object(self.bucket, obj.object_name)
                    removed += 1
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        return removed

    def abort_stale_uploads(self, older_than: timedelta, keep: frozenset[str] = frozenset()) -> int:
        """Abort the multipart uploads started more than ``older_than`` ago and never
        completed (their writer died): their parts take space and no object shows them.
        Upload ids in ``keep`` (resumable uploads that may still go on) are left alone."""
        limit = datetime.now(UTC) - older_than
        aborted = 0
        marker: str | None = None
        try:
            while True:
                page = self.client._list_multipart_uploads(self.bucket, key_marker=marker)
                for upload in page.uploads:
                    started = upload.initiated_time
                    if (
                        upload.upload_id
                        and upload.upload_id not in keep
                        and started is not None
                        and started <= limit
                    ):
                        self.client._abort_multipart_upload(
                            self.bucket, upload.object_name, upload.upload_id
                        )
                        aborted += 1
                if not page.is_truncated or not page.next_key_marker:
                    return aborted
                marker = page.next_key_marker
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageUnavailable(str(exc)) from exc

    def healthy(self) -> bool:
        """True when the server answers for the bucket."""
        try:
            return bool(self.client.bucket_exists(self.bucket))
        except (MinioException, urllib3.exceptions.HTTPError):
            return False


def init_app(app: Flask) -> None:
    """Attach an :class:`ObjectStore` built from the app's S3 settings."""
    cfg = app.config
    app.extensions["object_store"] = ObjectStore(
        cfg["S3_ENDPOINT"],
        cfg["S3_ACCESS_KEY"] or "",
        cfg["S3_SECRET_KEY"] or "",
        cfg["S3_BUCKET"],
        bool(cfg["S3_SECURE"]),
    )


def object_store() -> ObjectStore:
    """The current app's object store."""
    store: ObjectStore = current_app.extensions["object_store"]
    return store
