"""The public catalog of published releases, their signed manifests, and downloads by AI
companies through short-lived presigned links, every one logged.

A link is presigned by the app, not by the object store: it names this app's file route on
the address the user reached, with a token signed by the app's secret key that carries the
release and the file and expires after ``LINK_LIFETIME``.  The file is streamed through the
app, so a link works from any computer that reaches the app (the S3 server stays internal),
and a release withdrawn after the link was given no longer downloads."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.audit import client_ip, record_event
from app.database import begin_write
from app.exceptions import Forbidden, NotFound
from app.extensions import db
from app.models import Organization, Release, ReleaseDocument, ReleaseDownload, Role, User
from app.releases.services import MAX_ID
from app.releases.states import ReleaseState
from app.storage import ObjectStore

LINK_LIFETIME = timedelta(minutes=10)
TEXTS = "texts/"
_TEXT_PATH = re.compile(r"texts/([0-9]{6,7})\.txt")


def _published(release_id: int) -> Release:
    release = (
        db.session.scalar(
            select(Release).where(Release.id == release_id, Release.state == ReleaseState.PUBLISHED)
        )
        if release_id <= MAX_ID
        else None
    )
    if release is None:
        raise NotFound(_l("Not found."))
    return release


def catalog_entry(release: Release, organization: Organization) -> dict[str, Any]:
    """A published release as the catalog lists it (public metadata only)."""
    return {
        "id": release.id,
        "title": release.title,
        "description": release.description,
        "publisher": organization.name,
        "city": organization.city,
        "department": organization.department or "",
        "domain": release.domain,
        "licence": release.licence,
        "documents": release.document_count,
        "characters": release.char_count,
        "size_bytes": release.size_bytes,
        "published_at": release.published_at.isoformat() if release.published_at else None,
        # The top-level files; the texts (one per document) are counted, the signed
        # manifest lists them.
        "files": [
            {"path": f["path"], "size": f["size"], "sha256": f["sha256"]}
            for f in _listed(release)
            if not f["path"].startswith(TEXTS)
        ],
        "text_files": (counts := file_counts(release))[0],
        "file_count": counts[1],
        "manifest_url": f"/api/v1/releases/{release.id}/manifest",
    }


def _listed(release: Release) -> list[dict[str, Any]]:
    return list((release.manifest or {}).get("files", []))


def file_counts(release: Release) -> tuple[int, int]:
    """How many texts (one per document) and files in all the release's manifest lists.
    The stored manifest counts the texts (``text_files``); one published before it did
    lists them."""
    listed = _listed(release)
    texts = (release.manifest or {}).get("text_files")
    if texts is None:
        texts = sum(1 for f in listed if f["path"].startswith(TEXTS))
        return int(texts), len(listed)
    return int(texts), int(texts) + len(listed)


def catalog(city: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Published releases, newest first, optionally of one city; withdrawn ones are gone."""
    stmt = (
        select(Release, Organization)
        .join(Organization, Organization.id == Release.organization_id)
        .where(Release.state == ReleaseState.PUBLISHED)
        .order_by(Release.published_at.desc())
        .limit(limit)
    )
    if city:
        stmt = stmt.where(Organization.city == city)
    return [catalog_entry(r, o) for r, o in db.session.execute(stmt).tuples()]


def signed_manifest(release_id: int, store: ObjectStore) -> Iterator[bytes]:
    """``{"manifest", "signature"}`` of a published release (public, checkable offline) as
    JSON bytes: the manifest is ``manifest.json`` as published, streamed from the object
    store (it lists every file: megabytes for a large release).  Raises NotFound, or
    StorageUnavailable before the first byte when the object store does not answer."""
    release = _published(release_id)
    chunks = store.iter_chunks(f"releases/{release.id}/manifest.json")
    first = next(chunks, b"")
    tail = b',"signature":' + json.dumps(release.signature, sort_keys=True).encode() + b"}"
    return itertools.chain([b'{"manifest":', first], chunks, [tail])


def _links() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="wanbiao.release-file")


def _release_file(release: Release, path: str) -> int | None:
    """The size the manifest gives the file ``path`` of the published ``release`` (None for
    the manifest and its signature); NotFound when the release has no such file."""
    sizes = {f["path"]: f["size"] for f in _listed(release)}
    if path in sizes:
        return int(sizes[path])
    if path in ("manifest.json", "manifest.sig") or _is_text(release, path):
        return None
    raise NotFound(_l("Not found."))


def _is_text(release: Release, path: str) -> bool:
    """True for the text of one of the release's documents (``texts/NNNNNN.txt``, the name
    publishing gives it), which the stored manifest no longer lists."""
    match = _TEXT_PATH.fullmatch(path)
    if match is None or (release.manifest or {}).get("text_files") is None:
        return False
    seq = int(match.group(1))
    if path != f"{TEXTS}{seq:06d}.txt":
        return False
    return (
        db.session.scalar(
            select(ReleaseDocument.id).where(
                ReleaseDocument.release_id == release.id, ReleaseDocument.seq == seq
            )
        )
        is not None
    )


def download_link(
    user: User, release_id: int, path: str, link: Callable[[str], str]
) -> dict[str, Any]:
    """A presigned link (``link`` turns the signed token into the file route's absolute
    address) to one file of a published release for an enterprise user; the download is
    logged (who, which release and file, when, from where) before the link is given.
    Raises Forbidden (not an enterprise account) or NotFound (no such file)."""
    if user.role != Role.ENTERPRISE or user.organization_id is None:
        raise Forbidden(_l("Downloads need an enterprise account."), code="release.enterprise_only")
    begin_write()
    release = _published(release_id)
    _release_file(release, path)
    db.session.add(
        ReleaseDownload(
            release_id=release.id,
            user_id=user.id,
            organization_id=user.organization_id,
            path=path,
            ip=client_ip(),
        )
    )
    record_event("release_downloaded", user, object_type="release", object_id=release.id, path=path)
    db.session.commit()
    token = _links().dumps([release.id, path])
    return {"url": link(token), "path": path, "expires_in": int(LINK_LIFETIME.total_seconds())}


def linked_file(token: str, store: ObjectStore) -> tuple[str, int | None, Iterator[bytes]]:
    """The file name, size (when the manifest lists it) and bytes of the file a download
    link names.  Raises Forbidden for an expired link and NotFound for a forged one or a
    release no longer published."""
    try:
        release_id, path = _links().loads(token, max_age=int(LINK_LIFETIME.total_seconds()))
    except SignatureExpired as exc:
        raise Forbidden(
            _l("This download link has expired; ask for a new one in the catalog."),
            code="release.link_expired",
        ) from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise NotFound(_l("Not found.")) from exc
    if type(release_id) is not int or type(path) is not str or not 0 < release_id <= MAX_ID:
        raise NotFound(_l("Not found."))
    size = _release_file(_published(release_id), path)
    filename = f"release-{release_id}-{path.replace('/', '-')}"
    return filename, size, store.iter_chunks(f"releases/{release_id}/{path}")
