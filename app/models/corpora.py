"""Uploaded corpora and the items split out of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

#: "mapping": a table waits for its vendor to say which column is the text.
CORPUS_STATUSES = ("mapping", "processing", "ready", "failed")


class Corpus(Base):
    """A vendor's uploaded file; its bytes live in object storage under ``object_key``."""

    __tablename__ = "corpus"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="processing")
    file_format: Mapped[str] = mapped_column(String(8))
    original_filename: Mapped[str] = mapped_column(String(255))
    object_key: Mapped[str] = mapped_column(String(255), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    bytes_processed: Mapped[int] = mapped_column(BigInteger, default=0)
    item_count: Mapped[int] = mapped_column(default=0)
    duplicate_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    # Text items shorter than this many characters are dropped (reason "length").
    min_length: Mapped[int] = mapped_column(default=0, server_default="0")
    # Another tool's export read as pre-annotations: the format found, how many items came
    # with one, their kind (spans, boxes, labels) and every label they use.
    preannotations: Mapped[dict[str, Any] | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Tables (CSV, TSV, .xlsx, JSON): the text encoding, each sheet's columns and first
    # rows, the mapping chosen ("chosen") and the kept fields' names ("meta_columns").
    mapping: Mapped[dict[str, Any] | None]


class Item(Base):
    """One unit of data (a paragraph or a JSONL record); exact duplicates are dropped (the
    ingestion keeps the first, :class:`ItemDigest` finds them)."""

    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item_corpus_seq", "corpus_id", "seq"),
        # The corpus page pages kept (or dropped) items in corpus order.
        Index("ix_item_corpus_dropped_seq", "corpus_id", "dropped", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    corpus_id: Mapped[int] = mapped_column(ForeignKey("corpus.id", ondelete="CASCADE"))
    seq: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # Image items: the original and a JPEG preview live in object storage.
    kind: Mapped[str] = mapped_column(String(8), default="text", server_default="text")
    object_key: Mapped[str | None] = mapped_column(String(255))
    preview_key: Mapped[str | None] = mapped_column(String(255))
    width: Mapped[int | None]
    height: Mapped[int | None]
    # Documents: title, source file name, format, paragraph count (and encoding, pages).
    meta: Mapped[dict[str, Any] | None]
    # Why the vendor dropped the item (None: kept): "manual", "length" or "duplicate".
    # Dropped items stay stored (answers and exports refer to them) but get no new work.
    dropped: Mapped[str | None] = mapped_column(String(12))
    # Another tool's answer, in a task type's answer shape ({"spans": …}, {"boxes": …},
    # {"labels": …}): pre-filled in the workbench, exported where no final answer exists.
    preannotation: Mapped[dict[str, Any] | None]

    @property
    def image_size(self) -> tuple[int, int] | None:
        """(width, height) in pixels of an image item's original; None for text."""
        if self.kind == "image" and self.width and self.height:
            return self.width, self.height
        return None


class ItemDigest(Base):
    """The SHA-256 of each item's bytes, one row per distinct text (or picture) of a corpus:
    what finds an exact duplicate, and what keeps a corpus free of them.

    Kept apart from ``item`` so that ingestion never maintains a random-order index: a
    corpus's items go in in file order, and its digests are written afterwards in one pass
    sorted by ``sha256`` (appended at the end of the B-tree; :mod:`app.corpora.item_digests`).
    No foreign keys, on purpose: checking one costs more per row than writing the row, and
    the rows are only ever deleted a corpus at a time, with its items (``corpus_id`` leads
    the key). On PostgreSQL the digests compare as bytes (collation "C"), as they sort.
    """

    __tablename__ = "item_digest"
    __table_args__ = {"sqlite_with_rowid": False}

    corpus_id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(
        String(64).with_variant(String(64, collation="C"), "postgresql"), primary_key=True
    )
    item_id: Mapped[int]


class NearDuplicateRun(Base):
    """A search for near-duplicate items of a corpus (MinHash over character shingles), run
    as a background job: ``status`` running → done | failed, ``progress`` 0..1; ``groups``
    holds the item ids of each group found, the first of a group in corpus order."""

    __tablename__ = "near_duplicate_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    corpus_id: Mapped[int] = mapped_column(ForeignKey("corpus.id", ondelete="CASCADE"), index=True)
    threshold: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="running")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    groups: Mapped[list[Any]] = mapped_column(default=list)
    items_compared: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
