"""Gold (check) items: vendors set known answers; experts' answers to them are scored."""

from __future__ import annotations

import csv
import io
import json
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Annotation, Assignment, Item, Project, Task, User
from app.projects.services import project_config
from app.rule_messages import rule_message
from tasks import GOLD_ITEM_PASS_SCORE, InvalidAnswer, ProjectConfig, option_value, task_type

MAX_GOLD_PER_REQUEST = 10_000
MAX_GOLD_CSV_BYTES = 20 * 1024 * 1024

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


def parse_gold_csv(
    stream: IO[bytes], limit: int = MAX_GOLD_PER_REQUEST
) -> list[tuple[int, object]]:
    """Read a CSV with a header naming ``item_id`` and either ``label`` (classification: one
    label, or several separated by ``|`` for multi-label) or ``answer`` (the answer as JSON);
    UTF-8, a BOM allowed. Raises Invalid naming the bad row."""
    try:
        text = stream.read(MAX_GOLD_CSV_BYTES + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_l("The CSV file is not UTF-8.")) from None
    rows = csv.DictReader(io.StringIO(text, newline=""))
    entries: list[tuple[int, object]] = []
    try:
        fields = set(rows.fieldnames or [])
        if "item_id" not in fields or not fields & {"label", "answer"}:
            raise Invalid(_l("The CSV needs an item_id column and a label or answer column."))
        for number, row in enumerate(rows, start=2):
            entries.append((_csv_item_id(row, number), _csv_answer(row, number)))
            if len(entries) > limit:
                break
    except csv.Error:  # e.g. a NUL byte, or a quote left open at the end
        raise Invalid(_l("Row %(row)d: the CSV is malformed.", row=rows.line_num or 1)) from None
    return entries


def _csv_item_id(row: dict[str, str], number: int) -> int:
    raw = (row.get("item_id") or "").strip()
    if not raw.isdigit() or len(raw) > 12:
        raise Invalid(_l("Row %(row)d: item_id is not a whole number.", row=number))
    return int(raw)


def _csv_answer(row: dict[str, str], number: int) -> object:
    if row.get("answer"):
        try:
            return json.loads(row["answer"])
        except (ValueError, RecursionError):
            raise Invalid(_l("Row %(row)d: the answer is not JSON.", row=number)) from None
    label = (row.get("label") or "").strip()
    if not label:
        raise Invalid(_l("Row %(row)d has no answer.", row=number))
    labels = [part.strip() for part in label.split("|")]
    answer: dict[str, object] = {"label": labels[0]} if len(labels) == 1 else {"labels": labels}
    return answer


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


def gold_items(project: Project, limit: int = MAX_GOLD_PER_REQUEST) -> list[dict[str, Any]]:
    """The project's check items in task order: item id, known answer, the text's first 200
    characters and how many experts answered it."""
    rows = db.session.execute(
        select(Task.item_id, Task.gold_answer, Task.answers, func.substr(Item.text, 1, 200))
        .join(Item, Item.id == Task.item_id)
        .where(Task.project_id == project.id, Task.is_gold.is_(True))
        .order_by(Task.id)
        .limit(limit)
    ).all()
    return [
        {"item_id": item_id, "answer": answer, "answered_by": answers, "text": text}
        for item_id, answer, answers, text in rows
    ]


def remove_gold(user: User, project: Project, item_id: int) -> None:
    """Make a check item an ordinary task again. Refused (Conflict) once an expert answered
    it, so that the scores already given keep their meaning; NotFound when the item is no
    check item of the project."""
    begin_write()
    task = db.session.scalar(
        select(Task).where(
            Task.project_id == project.id, Task.item_id == item_id, Task.is_gold.is_(True)
        )
    )
    if task is None:
        raise NotFound(_l("Item %(id)d is not a check item of this project.", id=item_id))
    if task.answers or db.session.scalar(select(func.count()).where(Annotation.task_id == task.id)):
        raise Conflict(
            _l(
                "Experts have answered check item %(id)d; it stays so that their scores keep "
                "their meaning.",
                id=item_id,
            )
        )
    db.session.execute(
        delete(Assignment).where(Assignment.task_id == task.id, Assignment.status != "submitted")
    )
    task.is_gold, task.gold_answer = False, None
    record_event("gold_removed", user, object_type="project", object_id=project.id, item=item_id)
    db.session.commit()
