"""Gold (check) items: vendors set known answers; experts' answers to them are scored."""

from __future__ import annotations

import json
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Annotation, Item, Project, Task, User
from app.projects.services import project_config
from app.rule_messages import rule_message
from tasks import GOLD_ITEM_PASS_SCORE, InvalidAnswer, ProjectConfig, option_value, task_type

MAX_GOLD_PER_REQUEST = 10_000
# Check answers an expert gives before the pass mark can pause them (without a
# qualification test; with one, its size).
JUDGED_AFTER = 5


def pass_rule(config: ProjectConfig) -> tuple[float, int] | None:
    """(pass mark, check answers before anyone is judged) of a project with check items;
    None when it has none."""
    ratio = option_value(config, "gold_ratio")
    qualification = option_value(config, "qualification_size")
    if not ratio and not qualification:
        return None
    return float(option_value(config, "gold_pass_mark")), int(qualification or JUDGED_AFTER)


def gold_record(project_id: int, annotator_id: int) -> tuple[int, int]:
    """(correct, total) of an expert's answers to the project's gold items."""
    correct, total = db.session.execute(
        select(
            func.count().filter(Annotation.gold_score >= GOLD_ITEM_PASS_SCORE), func.count()
        ).where(
            Annotation.project_id == project_id,
            Annotation.annotator_id == annotator_id,
            Annotation.gold_score.is_not(None),
        )
    ).one()
    return int(correct), int(total)


def _checked_answer(project: Project, item_text: str, answer: object) -> dict[str, Any]:
    try:
        return task_type(project.task_type).validate_result(
            answer, project_config(project), item_text=item_text
        )
    except InvalidAnswer as exc:
        raise Invalid(rule_message(exc), code=exc.code) from None


def parse_gold_jsonl(
    stream: IO[bytes], limit: int = MAX_GOLD_PER_REQUEST
) -> list[tuple[int, object]]:
    """Read ``{"item_id": int, "answer": {...}}`` lines; raises Invalid naming the bad line."""
    entries: list[tuple[int, object]] = []
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            value = None
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("item_id"), int)
            or "answer" not in value
        ):
            raise Invalid(_l('Line %(line)d is not {"item_id": …, "answer": …}.', line=number))
        entries.append((value["item_id"], value["answer"]))
        if len(entries) > limit:
            break
    return entries


def set_gold_answers(user: User, project: Project, entries: list[tuple[int, object]]) -> int:
    """Mark items of a project as gold with their known answers; returns how many.

    All or nothing: an unknown item, an item already answered by experts, or an answer that
    does not fit the project raises (NotFound, Conflict, Invalid) and changes nothing.
    """
    if not 1 <= len(entries) <= MAX_GOLD_PER_REQUEST:
        raise Invalid(_l("Send between 1 and %(n)d check items.", n=MAX_GOLD_PER_REQUEST))
    begin_write()
    for item_id, answer in entries:
        row = db.session.execute(
            select(Task, Item.text)
            .join(Item, Item.id == Task.item_id)
            .where(Task.project_id == project.id, Task.item_id == item_id)
        ).first()
        if row is None:
            raise NotFound(_l("Item %(id)d is not part of this project.", id=item_id))
        task, text = row
        if task.answers or (task.slots_taken and not task.is_gold):
            raise Conflict(
                _l("Item %(id)d already has answers and cannot become a check item.", id=item_id)
            )
        task.is_gold, task.gold_answer = True, _checked_answer(project, text, answer)
    record_event("gold_set", user, object_type="project", object_id=project.id, count=len(entries))
    db.session.commit()
    return len(entries)
