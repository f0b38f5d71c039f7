"""The quality figures of a collection project: how many contributions were accepted, rejected
or still wait for a decision, overall and per expert, and the acceptance rate
(accepted / decided; pending contributions are not counted in it).

These are counts of the decisions recorded so far, read when the page or the API asks (like a
project's progress), not part of the stored report: a decision shows at once, without
recomputing the project's report. Only accepted contributions have a final answer, so only
they are lines of the stored per-item table (:func:`collection_report`); a decision makes
the stored report stale, as a new answer does (:func:`decided_count`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from app.extensions import db
from app.models import Contribution, Project, User
from app.quality.consensus_lines import item_lines
from app.quality.item_store import newest_answer_id
from app.quality.items import ComputedReport, rounded
from app.quality.spans import answers_by_item
from tasks import ProjectConfig, option_value


def acceptance_rate(accepted: int, rejected: int) -> float | None:
    """accepted / (accepted + rejected), to 4 places; None before any decision."""
    decided = accepted + rejected
    return rounded(accepted / decided) if decided else None


def _figures(counts: dict[str, int]) -> dict[str, Any]:
    accepted, rejected = counts.get("accepted", 0), counts.get("rejected", 0)
    return {
        "accepted": accepted,
        "rejected": rejected,
        "pending": counts.get("pending", 0),
        "decided": accepted + rejected,
        "acceptance_rate": acceptance_rate(accepted, rejected),
    }


def acceptance(project: Project) -> dict[str, Any]:
    """``overall`` figures (accepted, rejected, pending, decided, acceptance_rate, and
    ``wanted``: the contributions the project asks for) and ``experts``: the same per expert
    (``user_id``, ``name``), most contributions first."""
    rows = db.session.execute(
        select(Contribution.annotator_id, User.name, Contribution.status, func.count())
        .join(User, User.id == Contribution.annotator_id)
        .where(Contribution.project_id == project.id)
        .group_by(Contribution.annotator_id, User.name, Contribution.status)
    ).all()
    per_expert: dict[int, dict[str, Any]] = {}
    total: dict[str, int] = {}
    for user_id, name, status, count in rows:
        expert = per_expert.setdefault(user_id, {"name": name or "", "counts": {}})
        expert["counts"][status] = int(count)
        total[status] = total.get(status, 0) + int(count)
    experts = [
        {"user_id": user_id, "name": entry["name"], **_figures(entry["counts"])}
        for user_id, entry in per_expert.items()
    ]
    experts.sort(key=lambda e: (-(e["decided"] + e["pending"]), e["name"], e["user_id"]))
    config = ProjectConfig(tuple(project.labels), project.overlap, dict(project.options))
    return {
        "overall": {**_figures(total), "wanted": option_value(config, "contributions")},
        "experts": experts,
    }


def accepted_item_ids(project_id: int) -> Select[tuple[int]]:
    """A select of the item ids of the project's accepted contributions."""
    return select(Contribution.item_id).where(
        Contribution.project_id == project_id, Contribution.status == "accepted"
    )


def decided_count(project_id: int) -> int:
    """How many of the project's contributions were decided (accepted or rejected). A decision
    is final, so the count only grows: a stored report that saw fewer is stale."""
    return int(
        db.session.scalar(
            select(func.count()).where(
                Contribution.project_id == project_id, Contribution.status != "pending"
            )
        )
        or 0
    )


def collection_report(project: Project) -> ComputedReport:
    """The stored part of a collection project's report: the per-item lines of its accepted
    contributions only (what its final answers and exports hold: the contribution and, like
    every line, its answer count and agreement), the number of answers they hold, and in the
    payload ``decisions``, how many decisions the lines reflect. The acceptance figures
    themselves are counted live (:func:`acceptance`).

    The newest answer and the decisions are read before the answers, so one arriving
    meanwhile leaves the report stale (recomputed) rather than missing it for good."""
    decisions = decided_count(project.id)
    last_answer = newest_answer_id(project.id)
    accepted = set(db.session.scalars(accepted_item_ids(project.id)))
    results = {item: found for item, found in answers_by_item(project).items() if item in accepted}
    return ComputedReport(
        {"supported": False, "decisions": decisions},
        None,
        sum(map(len, results.values())),
        last_answer,
        item_lines(project, results),
    )
