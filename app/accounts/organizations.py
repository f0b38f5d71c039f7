"""Organizations (vendors, publishers, enterprises): creation with a checked
统一社会信用代码 and a city in Anhui."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.anhui import ANHUI_CITIES, NORTHERN_CITIES
from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Organization, OrganizationKind, User
from deid.checksums import is_uscc

# The 16 prefecture-level cities of Anhui (the first six are 皖北) live in app.anhui, shared
# with the ledger's subsidy rates; re-exported here for the forms.
__all__ = [
    "ANHUI_CITIES",
    "NORTHERN_CITIES",
    "create_organization",
    "list_organizations",
    "normalise_city",
]


def normalise_city(city: str) -> str:
    """Accept 合肥 or 合肥市; return the short form."""
    city = city.strip()
    return city[:-1] if city.endswith("市") else city


def _checked_name_and_city(name: str, city: str) -> tuple[str, str]:
    name, city = name.strip(), normalise_city(city)
    if not name:
        raise Invalid(_l("The organization needs a name."))
    if city not in ANHUI_CITIES:
        raise Invalid(_l("The city must be one of the 16 cities of Anhui."))
    return name, city


def create_organization(
    name: str,
    uscc: str,
    city: str,
    actor: User | None,
    kind: str = OrganizationKind.VENDOR,
    department: str | None = None,
) -> Organization:
    """Create an organization of ``kind`` (vendor, publisher or enterprise; a publisher may
    name its department); raises Invalid or Conflict, changing nothing."""
    name, city = _checked_name_and_city(name, city)
    uscc = uscc.strip().upper()
    department = (department or "").strip()[:100] or None
    if kind not in {k.value for k in OrganizationKind}:
        raise Invalid(_l("Unknown kind of organization."))
    if not is_uscc(uscc):
        raise Invalid(_l("This is not a valid unified social credit code (GB 32100-2015)."))
    begin_write()
    if db.session.scalar(select(Organization.id).where(Organization.uscc == uscc)):
        raise Conflict(_l("An organization with this credit code already exists."))
    org = Organization(name=name, uscc=uscc, city=city, kind=kind, department=department)
    db.session.add(org)
    db.session.flush()
    record_event("org_created", actor, object_type="organization", object_id=org.id)
    db.session.commit()
    return org


def get_organization(org_id: int) -> Organization:
    """One organization. Raises NotFound."""
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound(_l("No such organization."))
    return org


def update_organization(org_id: int, name: str, city: str, actor: User | None) -> Organization:
    """Rename an organization or move it to another city of Anhui. The credit code names the
    legal entity and stays. Raises NotFound or Invalid, changing nothing."""
    name, city = _checked_name_and_city(name, city)
    begin_write()
    org = get_organization(org_id)
    before = {"name": org.name, "city": org.city}
    org.name, org.city = name, city
    record_event("org_updated", actor, object_type="organization", object_id=org.id, before=before)
    db.session.commit()
    return org


def list_organizations() -> list[Organization]:
    """All organizations, by name."""
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))
