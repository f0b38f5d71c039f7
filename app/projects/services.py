"""Projects: creation over a ready corpus (one task per item), listing, progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, literal, or_, select

from app.accounts.verification import verified_for
from app.audit import record_event
from app.corpora.annotations_in import missing_labels
from app.corpora.image_ingestion import corpus_is_image
from app.database import begin_write
from app.exceptions import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Annotation, Corpus, Item, Organization, Project, Role, Task, User
from app.projects.invitations import invitation_only, is_invited
from app.rule_messages import rule_message
from app.scoping import get_managed
from tasks import (
    InvalidConfig,
    ProjectConfig,
    TaskType,
    option_value,
    task_type,
)


@dataclass(frozen=True)
class ProjectSpec:
    """What a vendor asks for when creating a project."""

    name: str
    corpus_id: int
    task_type: str
    labels: tuple[str, ...]
    overlap: int
    instructions: str = ""
    options: dict[str, Any] = field(default_factory=dict)


def create_project(user: User, spec: ProjectSpec) -> Project:
    """Create a project and one task per item of its ready corpus.

    Raises Forbidden (not vendor staff), NotFound (corpus of another organization) or Invalid.
    """
    if user.role != Role.VENDOR:
        raise Forbidden(_l("Only vendor staff can create projects."))
    begin_write()
    corpus = get_managed(Corpus, spec.corpus_id, user)
    kind, config = _checked_config(spec, corpus)
    _refuse_taken_name(corpus.organization_id, spec.name.strip()[:200])
    project = Project(
        organization_id=corpus.organization_id,
        corpus_id=corpus.id,
        name=spec.name.strip()[:200],
        instructions=spec.instructions.strip()[:20000],
        task_type=kind.name,
        labels=list(config.labels),
        overlap=config.overlap,
        options=config.options,
        domains=option_value(config, "domains"),
        lease_seconds=(
            option_value(config, "lease_seconds") or current_app.config["LEASE_SECONDS"]
        ),
        created_by_id=user.id,
    )
    db.session.add(project)
    db.session.flush()
    _create_tasks(project, config, corpus)
    record_event("project_created", user, object_type="project", object_id=project.id)
    db.session.commit()
    return project


def _refuse_taken_name(organization_id: int, name: str) -> None:
    """Invalid (``name_taken``) when the organization already has a project of that name."""
    taken = db.session.scalar(
        select(Project.id).where(Project.organization_id == organization_id, Project.name == name)
    )
    if taken is not None:
        raise Invalid(
            _l("Your organization already has a project with this name."), code="name_taken"
        )


def _checked_config(spec: ProjectSpec, corpus: Corpus) -> tuple[TaskType, ProjectConfig]:
    """The task type and its validated configuration, or Invalid with the reason."""
    if corpus.status != "ready":
        raise Invalid(_l("The corpus is not ready yet."))
    if not spec.name.strip():
        raise Invalid(_l("The project needs a name."))
    try:
        kind = task_type(spec.task_type)
        config = kind.validate_config(ProjectConfig(spec.labels, spec.overlap, spec.options))
    except InvalidConfig as exc:
        raise Invalid(rule_message(exc), code=exc.code) from None
    # Collection takes either: the corpus decides whether texts or pictures are collected.
    if kind.name != "collect" and (kind.name == "bbox") != corpus_is_image(corpus):
        raise Invalid(
            _l("Image boxes need an image corpus; the other task types need text."),
            code="corpus_kind",
        )
    missing = missing_labels(corpus.preannotations, kind.name, list(config.labels))
    if missing:
        raise Invalid(
            _l(
                "The corpus's pre-annotations use labels this project does not list: "
                "%(labels)s. Add them to the labels.",
                labels="、".join(missing[:20]),
            ),
            code="preannotation_labels",
            details=missing,
        )
    return kind, config


def _create_tasks(project: Project, config: ProjectConfig, corpus: Corpus) -> None:
    """One task per item of the corpus the vendor kept, in corpus order; for collection, one
    empty slot per contribution asked for."""
    if project.task_type == "collect":
        project.overlap = 1
        slots = option_value(config, "contributions")
        db.session.execute(
            insert(Task),
            [{"project_id": project.id, "item_id": None, "slots_taken": 0, "answers": 0}] * slots,
        )
    else:
        db.session.execute(
            insert(Task).from_select(
                ["project_id", "item_id", "slots_taken", "answers"],
                select(literal(project.id), Item.id, literal(0), literal(0))
                .where(Item.corpus_id == corpus.id, Item.dropped.is_(None))
                .order_by(Item.seq),
            )
        )


def project_config(project: Project) -> ProjectConfig:
    """The task-type configuration of a stored project."""
    return ProjectConfig(tuple(project.labels), project.overlap, dict(project.options))


def corpus_of(project: Project) -> Corpus | None:
    """The corpus a project labels."""
    return db.session.get(Corpus, project.corpus_id)


def corpus_names(projects: list[Project]) -> dict[int, str]:
    """The name of each listed project's corpus, by corpus id, in one query."""
    ids = {p.corpus_id for p in projects}
    if not ids:
        return {}
    rows = db.session.execute(select(Corpus.id, Corpus.name).where(Corpus.id.in_(ids)))
    return {corpus_id: name for corpus_id, name in rows}


@dataclass(frozen=True)
class ProjectFacts:
    """What a printed report says a project is."""

    organization: str
    corpus: str
    task_type: str
    overlap: int


def project_facts(project: Project) -> ProjectFacts:
    """The organization, corpus, task type and k of a project, for report headers."""
    organization = db.session.get(Organization, project.organization_id)
    corpus = corpus_of(project)
    return ProjectFacts(
        organization.name if organization else "",
        corpus.name if corpus else "",
        project.task_type,
        project.overlap,
    )


def open_projects(expert: User) -> list[Project]:
    """Projects an expert may work on, newest first (filtered on domains in Python: the
    JSON containment operators differ between SQLite and PostgreSQL); none for an applicant
    no one has approved yet."""
    if expert.role != Role.EXPERT:
        return []
    projects = db.session.scalars(select(Project).order_by(Project.id.desc()))
    try:
        return [p for p in projects if expert_may_work_on(expert, p)]
    except Forbidden:
        return []


def get_open_project(expert: User, project_id: int) -> Project:
    """A project open to the expert; NotFound otherwise, Forbidden (``not_verified``) for
    an applicant no one has approved yet."""
    project = db.session.get(Project, project_id)
    if project is None or not expert_may_work_on(expert, project):
        raise NotFound(_l("Not found."))
    return project


def expert_may_work_on(expert: User, project: Project) -> bool:
    """True when the user is an expert verified for one of the project's required domains
    (any verified expert when it requires none, by the bureau or by the project's vendor)
    and, on an invitation-only project, invited. Raises Forbidden (``not_verified``) for an
    applicant no one has approved for the project's organization."""
    if expert.role != Role.EXPERT:
        return False
    if not verified_for(expert, project.organization_id, project.domains):
        return False
    return not invitation_only(project) or is_invited(project.id, expert.id)


@dataclass(frozen=True)
class Progress:
    """How far a project is: items with k answers out of all, and answers stored."""

    items_total: int
    items_complete: int
    annotations: int

    @property
    def percent(self) -> int:
        return round(100 * self.items_complete / self.items_total) if self.items_total else 0


def project_progress(project: Project) -> Progress:
    """Counts for one project. A task closed because its item was dropped from the corpus
    (``slots_taken`` above k, see :mod:`app.corpora.curation`) counts only when it had its k
    answers."""
    complete = Task.answers >= project.overlap
    total, complete_count = db.session.execute(
        select(func.count(), func.count().filter(complete)).where(
            Task.project_id == project.id,
            Task.is_gold.is_(False),
            or_(Task.slots_taken <= project.overlap, complete),
        )
    ).one()
    answers = (
        db.session.scalar(
            select(func.count()).where(
                Annotation.project_id == project.id, Annotation.gold_score.is_(None)
            )
        )
        or 0
    )
    return Progress(total, complete_count, answers)


def expert_numbers(expert: User) -> dict[str, Any]:
    """An expert's own totals for their home page."""
    answers = (
        db.session.scalar(select(func.count()).where(Annotation.annotator_id == expert.id)) or 0
    )
    projects = (
        db.session.scalar(
            select(func.count(func.distinct(Annotation.project_id))).where(
                Annotation.annotator_id == expert.id
            )
        )
        or 0
    )
    return {"annotations": answers, "projects": projects}
