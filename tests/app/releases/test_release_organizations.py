"""Publishers and AI companies are organizations of their own kind, made from the CLI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Organization, User
from tests.app.builders import valid_uscc


def test_cli_creates_publishers_with_a_department_and_their_staff(app: Any) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "orgs",
            "create",
            "--name",
            "亳州市地方志办公室",
            "--uscc",
            valid_uscc(901),
            "--city",
            "亳州市",
            "--kind",
            "publisher",
            "--department",
            "地方志办公室",
        ]
    )
    assert made.exit_code == 0, made.output
    org_id = int(made.output.strip())
    user = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "pub@bozhou.gov.cn",
            "--password",
            "long-enough-pw",
            "--role",
            "publisher",
            "--org",
            str(org_id),
        ]
    )
    assert user.exit_code == 0, user.output
    vendor_org = runner.invoke(
        args=["orgs", "create", "--name", "数据公司", "--uscc", valid_uscc(902), "--city", "合肥"]
    )
    assert vendor_org.exit_code == 0
    mismatch = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "ai@x.cn",
            "--password",
            "long-enough-pw",
            "--role",
            "enterprise",
            "--org",
            vendor_org.output.strip(),
        ]
    )
    assert mismatch.exit_code != 0
    unknown = runner.invoke(
        args=[
            "orgs",
            "create",
            "--name",
            "x",
            "--uscc",
            valid_uscc(903),
            "--city",
            "合肥",
            "--kind",
            "bank",
        ]
    )
    assert unknown.exit_code != 0
    with app.app_context():
        org = db.session.get(Organization, org_id)
        assert org is not None and (org.kind, org.department, org.city) == (
            "publisher",
            "地方志办公室",
            "亳州",
        )
        vendor = db.session.get(Organization, int(vendor_org.output.strip()))
        assert vendor is not None and vendor.kind == "vendor" and vendor.department is None
        staff = db.session.scalars(select(User).where(User.email == "pub@bozhou.gov.cn")).one()
        assert staff.role == "publisher" and staff.organization_id == org_id
