"""Accounts: creation, self-registration of experts, login with rate limiting, password
change, deactivation. Tokens live in :mod:`app.accounts.tokens`, reset links in
:mod:`app.accounts.password_reset`."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

# Tokens are part of an account: older callers import these two from here.
from app.accounts.login_limits import end_login, reserve_login
from app.accounts.tokens import issue_api_token as issue_api_token
from app.accounts.tokens import revoke_all_tokens
from app.accounts.tokens import user_for_token as user_for_token
from app.accounts.verification import declare_domains
from app.audit import client_ip, record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound, RateLimited
from app.extensions import db
from app.labeling.leases import release_leases_of
from app.models import Membership, Organization, OrganizationKind, Role, User
from app.models.base import utcnow
from app.rate_limits import Counter, Limit, limit_store

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MIN_PASSWORD = 10
# Staff of an organization of the matching kind (a publisher's staff are publishers, a city
# office's staff are city officials …).
ROLE_OF_KIND: dict[str, str] = {
    OrganizationKind.VENDOR: Role.VENDOR,
    OrganizationKind.PUBLISHER: Role.PUBLISHER,
    OrganizationKind.ENTERPRISE: Role.ENTERPRISE,
    OrganizationKind.CITY_OFFICE: Role.CITY_OFFICIAL,
}
ORGANIZATION_ROLES = tuple(ROLE_OF_KIND.values())
KNOWN_DOMAINS = ("医疗", "法律", "教育", "政务", "工业", "金融", "农业", "交通", "环境", "科技")
# Compared against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("timing-equaliser-not-a-password")
HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)


def hash_password(password: str) -> str:
    """scrypt hash (werkzeug)."""
    return generate_password_hash(password, method="scrypt")


def _check_new_user(email: str, password: str, name: str) -> str:
    """The normalised email of a new account; raises Invalid. Reads nothing: the email's
    uniqueness is checked under the write lock."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise Invalid(_l("Please enter a valid email address."))
    check_new_password(password)
    if not name.strip():
        raise Invalid(_l("Please enter a name."))
    return email


def _new_account(
    email: str, password: str, role: str, name: str, domains: list[str] | None
) -> tuple[str, str]:
    """The normalised email and the password's hash of a new account. Raises Invalid; reads
    nothing, so it runs before the write lock."""
    if role not in {r.value for r in Role}:
        raise Invalid(_l("Unknown role."))
    unknown = [d for d in domains or [] if d not in KNOWN_DOMAINS]
    if unknown:
        raise Invalid(_l("Unknown domain: %(domain)s.", domain=unknown[0][:40]))
    email = _check_new_user(email, password, name or email)
    # scrypt takes tens of milliseconds: hashed before the write lock, which every claim and
    # answer of the platform waits for on SQLite.
    return email, hash_password(password)


def _organization_for(role: str, organization_id: int | None) -> None:
    """Raises Invalid or NotFound unless the organization may hold an account of ``role``."""
    if role in ORGANIZATION_ROLES and organization_id is None:
        raise Invalid(_l("A vendor account must belong to an organization."))
    organization = db.session.get(Organization, organization_id) if organization_id else None
    if organization_id is not None and organization is None:
        raise NotFound(_l("No such organization."))
    if (
        organization is not None
        and role in ORGANIZATION_ROLES
        and ROLE_OF_KIND.get(organization.kind) != role
    ):
        raise Invalid(_l("The account's role does not match the kind of its organization."))


def _add_user(  # noqa: PLR0913 - the columns of a new account
    email: str,
    password_hash: str,
    role: str,
    name: str,
    mobile: str | None,
    domains: list[str] | None,
    organization_id: int | None,
    actor: User | None,
    applicant: bool,
) -> User:
    """Add the account and its audit event to the write transaction (the caller commits)."""
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(_l("An account with this email already exists."))
    _organization_for(role, organization_id)
    user = User(
        email=email,
        name=(name or email.split("@")[0]).strip(),
        mobile=mobile,
        role=role,
        domains=[] if applicant else list(domains or []),
        verified=not applicant,
        password_hash=password_hash,
        session_nonce=secrets.token_hex(8),
    )
    db.session.add(user)
    db.session.flush()
    if applicant:
        declare_domains(user, list(domains or []))
    if organization_id is not None:
        db.session.add(Membership(user_id=user.id, organization_id=organization_id))
    action = "expert_registered" if applicant else "user_created"
    record_event(action, actor, object_type="user", object_id=user.id, role=role)
    return user


def create_user(
    email: str,
    password: str,
    role: str,
    *,
    name: str = "",
    mobile: str | None = None,
    domains: list[str] | None = None,
    organization_id: int | None = None,
    actor: User | None = None,
) -> User:
    """Create an account of any role. A vendor must belong to an existing organization. An
    expert created here (by an admin, the command line) is verified for ``domains``.
    Raises Invalid (role, domain, organization kind), NotFound (organization), Conflict."""
    email, password_hash = _new_account(email, password, role, name, domains)
    begin_write()
    user = _add_user(
        email, password_hash, role, name, mobile, domains, organization_id, actor, False
    )
    db.session.commit()
    return user


def create_staff(
    email: str, password: str, name: str, organization_id: int | None, actor: User | None
) -> User:
    """Create an account in an organization with the role its kind implies (a vendor's staff
    are vendors, a city office's are city officials …). Raises NotFound, Invalid, Conflict."""
    organization = db.session.get(Organization, organization_id) if organization_id else None
    if organization is None:
        raise NotFound(_l("No such organization."))
    role = ROLE_OF_KIND.get(organization.kind, Role.VENDOR)
    return create_user(
        email, password, role, name=name, organization_id=organization.id, actor=actor
    )


def register_expert(email: str, password: str, name: str, mobile: str, domains: list[str]) -> User:
    """Self-registration of a domain expert: an applicant who sees no data until the bureau
    (or a vendor, for its projects) approves one of the declared domains.

    The limits are read first, so a flood is refused before any password is hashed, and
    taken again atomically with the new account (:func:`_take_registration`), so requests
    arriving together never register more than the limits allow. Raises Invalid, Conflict,
    RateLimited, LimitsUnavailable (503)."""
    mobile = mobile.strip()
    if not MOBILE_RE.match(mobile):
        raise Invalid(_l("Please enter an 11-digit mainland mobile number."))
    unknown = [d for d in domains if d not in KNOWN_DOMAINS]
    if not domains or unknown:
        raise Invalid(_l("Choose at least one domain of expertise from the list."))
    _check_registration_rate()
    email, password_hash = _new_account(email, password, Role.EXPERT, name, domains)
    begin_write()
    user = _add_user(email, password_hash, Role.EXPERT, name, mobile, domains, None, None, True)
    _take_registration()
    db.session.commit()
    return user


def _registration_limits() -> list[Limit]:
    """This address's registrations in the last hour, then everyone's in the last minute (a
    flood from many addresses): each registration costs a password hash and a write."""
    config, ip = current_app.config, client_ip()
    everyone = Limit(Counter.REGISTRATION, (), MINUTE, config["REGISTRATIONS_PER_MINUTE"])
    if ip is None:
        return [everyone]
    per_address = config["REGISTRATIONS_PER_HOUR_PER_ADDRESS"]
    return [Limit(Counter.REGISTRATION_ADDRESS, (ip,), HOUR, per_address), everyone]


def _too_many_registrations(limit: Limit) -> RateLimited:
    if limit.counter is Counter.REGISTRATION_ADDRESS:
        return RateLimited(
            _l("Too many registrations from this address. Please try again in an hour."),
            code="registration_rate",
            retry_after=3600,
        )
    return RateLimited(
        _l("Too many registrations right now. Please try again in a minute."),
        code="registration_rate",
        retry_after=60,
    )


def _check_registration_rate() -> None:
    """Raises RateLimited when this address or everyone reached a registration limit, read
    without a lock (the cheap refusal of a flood); LimitsUnavailable (503) when the counts
    are out of reach."""
    now, store = utcnow(), limit_store()
    for limit in _registration_limits():
        if (
            len(store.recent(limit.counter, limit.key, now - limit.window, limit.most))
            >= limit.most
        ):
            raise _too_many_registrations(limit)


def _take_registration() -> None:
    """Count the registration written in this transaction under every limit, atomically with
    the check; when a concurrent one took the last place, roll back and raise RateLimited."""
    refusal = limit_store().take(_registration_limits(), utcnow())
    if refusal is not None:
        db.session.rollback()
        raise _too_many_registrations(refusal.limit)


def authenticate(email: str, password: str) -> User:
    """Check a login; records success or failure. The attempt is reserved under the failed
    login limits before the password is checked (:func:`reserve_login`), so logins sent
    together never check more passwords than the limits allow. Raises RateLimited, Invalid,
    LimitsUnavailable (503)."""
    email = email.strip().lower()
    reservation = reserve_login(email)
    user = db.session.scalar(select(User).where(User.email == email))
    # Checked outside the write lock (scrypt is slow); only the audit row is written in it.
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    begin_write()
    if user is None or not valid or not user.active:
        record_event("login_failed", None, actor_email=email)
        end_login(reservation, failed=True)
        db.session.commit()
        raise Invalid(_l("Wrong email or password."), code="bad_credentials")
    record_event("login", user, object_type="user", object_id=user.id)
    end_login(reservation, failed=False)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session cookie of the user (logout, password change)."""
    begin_write()
    user.session_nonce = secrets.token_hex(8)
    record_event("logout", user, object_type="user", object_id=user.id)
    db.session.commit()


def check_new_password(password: str) -> None:
    """Raises Invalid unless ``password`` is long enough."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(_l("The password needs at least %(n)d characters.", n=MIN_PASSWORD))


def set_password(user: User, password_hash: str) -> None:
    """Store a new password hash and end every session and bearer token of the user, in the
    current transaction (the caller commits)."""
    user.password_hash = password_hash
    user.session_nonce = secrets.token_hex(8)
    revoke_all_tokens(user)


def change_password(user: User, old: str, new: str) -> None:
    """Change a password after checking the old one; ends every session and token."""
    check_new_password(new)
    # scrypt takes a while: both hashes are computed before the write lock is taken.
    if not check_password_hash(user.password_hash, old):
        raise Invalid(_l("The current password is wrong."))
    new_hash = hash_password(new)
    begin_write()
    set_password(user, new_hash)
    record_event("password_changed", user, object_type="user", object_id=user.id)
    db.session.commit()


def user_for_session(session_id: str) -> User | None:
    """The user behind a Flask-Login id ``"<id>:<nonce>"``, if the nonce is still current."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user


def find_user(email: str) -> User:
    """The user with this email. Raises NotFound."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(_l("No user with this email."))
    return user


def _user_to_manage(user_id: int, actor: User | None) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    if actor is not None and actor.id == user.id:
        raise Invalid(_l("You cannot change the status of your own account."))
    return user


def deactivate_user(user_id: int, actor: User | None) -> User:
    """Deactivate an account: it can no longer log in, every session and bearer token of it
    stops working at once (a later reactivation does not revive them), and its leases end,
    giving their slots back to other experts. Raises NotFound, or Invalid for one's own
    account."""
    begin_write()
    user = _user_to_manage(user_id, actor)
    user.active = False
    user.session_nonce = secrets.token_hex(8)
    revoke_all_tokens(user)
    release_leases_of(user.id)
    record_event("user_deactivated", actor, object_type="user", object_id=user.id)
    db.session.commit()
    return user


def reactivate_user(user_id: int, actor: User | None) -> User:
    """Let a deactivated account log in again (with new sessions and tokens only)."""
    begin_write()
    user = _user_to_manage(user_id, actor)
    user.active = True
    record_event("user_reactivated", actor, object_type="user", object_id=user.id)
    db.session.commit()
    return user


def list_users(search: str | None = None, limit: int = 50) -> list[User]:
    """The newest users, optionally those whose email or name contains ``search``."""
    stmt = select(User).order_by(User.id.desc()).limit(limit)
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(User.email.ilike(like), User.name.ilike(like)))
    return list(db.session.scalars(stmt))
