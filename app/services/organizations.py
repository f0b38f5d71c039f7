"""Vendor organizations: creation with a checked 统一社会信用代码 and a city in Anhui."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Organization, User
from app.services.audit import record_event
from app.services.errors import Conflict, Invalid

# The 16 prefecture-level cities of Anhui; the first six are 皖北 (northern Anhui).
NORTHERN_CITIES = ("淮北", "亳州", "宿州", "蚌埠", "阜阳", "淮南")
ANHUI_CITIES = NORTHERN_CITIES + (
    "合肥", "芜湖", "马鞍山", "铜陵", "安庆", "黄山", "滁州", "六安", "池州", "宣城",
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    """Check character of a 统一社会信用代码 per GB 32100-2015 (MOD 31 over 31 characters).

    Raises ValueError for a character outside the code's alphabet.
    """
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character code whose last character is its GB 32100-2015 check."""
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return uscc_check_character(code[:17]) == code[17]


def normalise_city(city: str) -> str:
    """Accept 合肥 or 合肥市; return the short form."""
    city = city.strip()
    return city[:-1] if city.endswith("市") else city


def create_organization(name: str, uscc: str, city: str, actor: User | None) -> Organization:
    """Create a vendor organization; raises Invalid or Conflict, changing nothing."""
    name, uscc, city = name.strip(), uscc.strip().upper(), normalise_city(city)
    if not name:
        raise Invalid(_l("The organization needs a name."))
    if not is_valid_uscc(uscc):
        raise Invalid(_l("This is not a valid unified social credit code (GB 32100-2015)."))
    if city not in ANHUI_CITIES:
        raise Invalid(_l("The city must be one of the 16 cities of Anhui."))
    if db.session.scalar(select(Organization.id).where(Organization.uscc == uscc)):
        raise Conflict(_l("An organization with this credit code already exists."))
    org = Organization(name=name, uscc=uscc, city=city)
    db.session.add(org)
    db.session.flush()
    record_event("org_created", actor, object_type="organization", object_id=org.id)
    db.session.commit()
    return org


def list_organizations() -> list[Organization]:
    """All organizations, by name."""
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))
