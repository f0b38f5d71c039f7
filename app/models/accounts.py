"""Users, vendor organizations, memberships, API tokens and password-reset links."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class Role(enum.StrEnum):
    """What a user is on the platform."""

    ADMIN = "admin"
    AUDITOR = "auditor"
    VENDOR = "vendor"
    EXPERT = "expert"
    PUBLISHER = "publisher"
    ENTERPRISE = "enterprise"
    CITY_OFFICIAL = "city_official"


class OrganizationKind(enum.StrEnum):
    """What an organization is: a data vendor, a public body that publishes documents, an
    AI company that downloads releases, or a city's data or finance office (市级主管)."""

    VENDOR = "vendor"
    PUBLISHER = "publisher"
    ENTERPRISE = "enterprise"
    CITY_OFFICE = "city_office"


class Organization(Base):
    """A vendor, publisher or enterprise, identified by its 统一社会信用代码 (USCC); a
    publisher also names its department (e.g. 合肥市档案馆's 档案局)."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    city: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12), default="vendor", server_default="vendor")
    department: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization")


class User(UserMixin, Base):
    """Anyone who logs in. ``session_nonce`` changes on logout, password change and
    deactivation; ``active`` is False while an admin has deactivated the account.

    For an expert, ``domains`` are the domains the bureau verified (work is routed by them)
    and ``verified`` is False while a self-registered applicant awaits a first approval;
    what the applicant declared, and each decision, are :class:`DomainApplication` rows."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    mobile: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16))
    domains: Mapped[list[str]] = mapped_column(default=list)
    password_hash: Mapped[str] = mapped_column(String(255))
    session_nonce: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    verified: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The nonce makes old session cookies useless after logout or a password change.
        return f"{self.id}:{self.session_nonce}"

    @property
    def organization_id(self) -> int | None:
        """The organization of a vendor, publisher, enterprise or city official, else None."""
        return self.memberships[0].organization_id if self.memberships else None


class Membership(Base):
    """A vendor user's place in an organization."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored. It works until ``expires_at`` unless
    revoked (by its user, an admin, a password change or the account's deactivation)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class PasswordReset(Base):
    """A one-time link an admin issues so a user can set a new password; only the SHA-256
    of its secret is stored, and it works once, until ``expires_at``."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class DomainApplication(Base):
    """A domain an expert declared, and the decision on it: ``pending`` → ``approved`` or
    ``rejected`` with a reason. ``organization_id`` is None for the bureau's decision (valid on
    every project); a vendor's decision carries its organization and is valid on its projects
    only."""

    __tablename__ = "domain_application"
    __table_args__ = (UniqueConstraint("user_id", "domain", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(12), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualificationEvidence(Base):
    """A document an applicant uploaded for a declared domain (a certificate, an employer's
    letter): a PDF, PNG or JPEG identified by its bytes, stored in object storage."""

    __tablename__ = "qualification_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    object_key: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
