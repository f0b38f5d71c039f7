"""The demo data set: the Anhui AGI action plan as a vendor corpus, a classification project
and demo accounts whose generated passwords are printed once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import select

from app.accounts import organizations
from app.accounts import services as accounts
from app.corpora.ingestion import ingest_corpus
from app.corpora.services import upload_corpus
from app.extensions import db
from app.models import Organization, Role
from app.projects import services as projects
from app.storage import object_store
from deid.checksums import uscc_check_char

DEMO_USCC_BODY = "91340100MA2TDEM8K"
DEMO_LABELS = ("总体目标", "重点任务", "保障措施", "其他")


def demo_uscc() -> str:
    """A checksum-valid credit code for the demo organization."""
    return DEMO_USCC_BODY + uscc_check_char(DEMO_USCC_BODY)


def load_demo(corpus_path: Path, new_password: Callable[[], str]) -> Iterator[str]:
    """Create the demo once; yields the lines to print (accounts and their passwords)."""
    if db.session.scalar(select(Organization).where(Organization.uscc == demo_uscc())):
        yield "The demo is already loaded (organization 皖数示范科技有限公司 exists)."
        return
    org = organizations.create_organization("皖数示范科技有限公司", demo_uscc(), "合肥", None)
    people = [
        ("admin@demo.wanbiao", Role.ADMIN, "管理员", None, None),
        ("auditor@demo.wanbiao", Role.AUDITOR, "审计员", None, None),
        ("vendor@demo.wanbiao", Role.VENDOR, "供应商", org.id, None),
        ("expert1@demo.wanbiao", Role.EXPERT, "专家一", None, ["政务"]),
        ("expert2@demo.wanbiao", Role.EXPERT, "专家二", None, ["政务", "法律"]),
    ]
    yield "Demo accounts (passwords are shown only now):"
    created = {}
    for email, role, name, org_id, domains in people:
        password = new_password()
        created[role] = accounts.create_user(
            email, password, role, name=name, organization_id=org_id, domains=domains
        )
        yield f"  {role:<8} {email:<24} {password}"
    vendor = created[Role.VENDOR]
    store = object_store()
    store.ensure_bucket()
    with corpus_path.open("rb") as stream:
        corpus = upload_corpus(
            vendor, "安徽省通用人工智能行动计划", corpus_path.name, stream, store, lambda _id: None
        )
    ingest_corpus(corpus.id, store)
    project = projects.create_project(
        vendor,
        projects.ProjectSpec(
            name="政策段落分类",
            corpus_id=corpus.id,
            task_type="classify",
            labels=DEMO_LABELS,
            overlap=2,
            instructions="请判断每个段落属于行动计划的哪一部分。",
        ),
    )
    yield f"Corpus {corpus.id} ({corpus.item_count} items) and project {project.id} are ready."
