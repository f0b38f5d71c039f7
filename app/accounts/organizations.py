"""Organizations (vendors, publishers, enterprises): creation with a checked
统一社会信用代码 and a city in Anhui."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid
from app.extensions import db
from app.models import Organization, OrganizationKind, User
from deid.checksums import is_uscc

# The 16 prefecture-level cities of Anhui; the first six are 皖北 (northern Anhui).
NORTHERN_CITIES = ("淮北", "亳州", "宿州", "蚌埠", "阜阳", "淮南")
ANHUI_CITIES = NORTHERN_CITIES + (
    "合肥", "芜湖", "马鞍山", "铜陵", "安庆", "黄山", "滁州", "六安", "池州", "宣城",
)

def normalise_city(city: str) -> str:
    """Accept 合肥 or 合肥市; return the short form."""
    city = city.strip()
    return city[:-1] if city.endswith("市") else city


def create_organization(name: str, uscc: str, city: str, actor: User | None,
                        kind: str = OrganizationKind.VENDOR,
                        department: str | None = None) -> Organization:
    """Create an organization of ``kind`` (vendor, publisher or enterprise; a publisher may
    name its department); raises Invalid or Conflict, changing nothing."""
    name, uscc, city = name.strip(), uscc.strip().upper(), normalise_city(city)
    department = (department or "").strip()[:100] or None
    if not name:
        raise Invalid(_l("The organization needs a name."))
    if kind not in {k.value for k in OrganizationKind}:
        raise Invalid(_l("Unknown kind of organization."))
    if not is_uscc(uscc):
        raise Invalid(_l("This is not a valid unified social credit code (GB 32100-2015)."))
    if city not in ANHUI_CITIES:
        raise Invalid(_l("The city must be one of the 16 cities of Anhui."))
    begin_write()
    if db.session.scalar(select(Organization.id).where(Organization.uscc == uscc)):
        raise Conflict(_l("An organization with this credit code already exists."))
    org = Organization(name=name, uscc=uscc, city=city, kind=kind, department=department)
    db.session.add(org)
    db.session.flush()
    record_event("org_created", actor, object_type="organization", object_id=org.id)
    db.session.commit()
    return org


def list_organizations() -> list[Organization]:
    """All organizations, by name."""
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))
