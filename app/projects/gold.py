"""Gold (check) items: vendors set known answers; experts' answers to them are scored."""

from __future__ import annotations

import csv
import io
import json
from typing import IO, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, delete, func, select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Annotation, Assignment, Item, Project, Task, User
from app.projects.services import project_config
from app.rule_messages import rule_message
from tasks import (
    GOLD_SCORE_TOLERANCE,
    InvalidAnswer,
    ProjectConfig,
    gold_item_pass_score,
    option_value,
    task_type,
)

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


def passed_check(config: ProjectConfig) -> ColumnElement[bool]:
    """The SQL condition of a check answer that counts as right under the project's rule
    (its score at least the project's ``gold_item_threshold``, see
    :func:`tasks.gold_item_passed`)."""
    return Annotation.gold_score >= gold_item_pass_score(config) - GOLD_SCORE_TOLERANCE


def item_rule(kind: str, config: ProjectConfig) -> str | None:
    """The sentence that says when one check answer of a project counts as right, by task
    type and with the project's threshold; None for a type without check items."""
    percent = round(gold_item_pass_score(config) * 100)
    if kind == "classify" and not option_value(config, "multi"):
        return str(_("A check answer is right when it chooses the known label."))
    if kind == "classify" and percent >= 100:
        return str(_("A check answer is right when it chooses exactly the known labels."))
    rules = {
        "classify": _l(
            "A check answer is right when its labels overlap the known labels by at least "
            "%(percent)d%% (Jaccard: labels in both ÷ labels in either).",
            percent=percent,
        ),
        "ner": _l(
            "A check answer is right when the F1 of its spans against the known spans (same "
            "start, end and type) is at least %(percent)d%%.",
            percent=percent,
        ),
        "bbox": _l(
            "A check answer is right when its boxes match the known boxes one to one (same "
            "label, IoU at least 0.5) with an F1 of at least %(percent)d%%.",
            percent=percent,
        ),
        "clean": _l(
            "A check answer is right when its text is at least %(percent)d%% alike to the "
            "known text (1 − edit distance ÷ length of the longer text).",
            percent=percent,
        ),
    }
    rule = rules.get(kind)
    return None if rule is None else str(rule)


def gold_record(project_id: int, annotator_id: int, config: ProjectConfig) -> tuple[int, int]:
    """(correct, total) of an expert's answers to the project's gold items, correct by the
    project's rule (:func:`passed_check`)."""
    correct, total = db.session.execute(
        select(func.count().filter(passed_check(config)), func.count()).where(
            Annotation.project_id == project_id,
            Annotation.annotator_id == annotator_id,
            Annotation.gold_score.is_not(None),
        )
    ).one()
    return int(correct), int(total)


def _checked_answer(project: Project, item: Row[Any], answer: object) -> dict[str, Any]:
    """The known answer, checked as an expert's answer to the item would be (spans against
    its text, boxes against its picture's size); Invalid names the item and the problem."""
    size = (item.width, item.height) if item.kind == "image" and item.width else None
    try:
        return task_type(project.task_type).validate_result(
            answer, project_config(project), item_text=item.text, image_size=size
        )
    except InvalidAnswer as exc:
        raise Invalid(
            _l("Item %(id)d: %(problem)s", id=item.id, problem=rule_message(exc)), code=exc.code
        ) from None


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
    """Read a CSV with a header naming ``item_id`` and one of ``label`` (classification: one
    label, or several separated by ``|`` for multi-label), ``text`` (text cleaning: the
    cleaned text) or ``answer`` (any type: the answer as JSON); UTF-8, a BOM allowed.
    Raises Invalid naming the bad row."""
    try:
        text = stream.read(MAX_GOLD_CSV_BYTES + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_l("The CSV file is not UTF-8.")) from None
    rows = csv.DictReader(io.StringIO(text, newline=""))
    entries: list[tuple[int, object]] = []
    try:
        fields = set(rows.fieldnames or [])
        if "item_id" not in fields or not fields & {"label", "text", "answer"}:
            raise Invalid(_l("The CSV needs an item_id column and a label, text or answer column."))
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
    """The row's answer: ``answer`` (JSON) first, then ``label`` (a task-list export may
    carry the item's text beside its label), then ``text`` (a cleaned text)."""
    if row.get("answer"):
        try:
            return json.loads(row["answer"])
        except (ValueError, RecursionError):
            raise Invalid(_l("Row %(row)d: the answer is not JSON.", row=number)) from None
    label = (row.get("label") or "").strip()
    if label:
        labels = [part.strip() for part in label.split("|")]
        answer: dict[str, object] = {"label": labels[0]} if len(labels) == 1 else {"labels": labels}
        return answer
    if row.get("text") is not None and "label" not in row:
        return {"text": row["text"]}
    raise Invalid(_l("Row %(row)d has no answer.", row=number))


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
            select(Task, Item.id, Item.text, Item.kind, Item.width, Item.height)
            .join(Item, Item.id == Task.item_id)
            .where(Task.project_id == project.id, Task.item_id == item_id)
        ).first()
        if row is None:
            raise NotFound(_l("Item %(id)d is not part of this project.", id=item_id))
        task = row.Task
        if task.answers or (task.slots_taken and not task.is_gold):
            raise Conflict(
                _l("Item %(id)d already has answers and cannot become a check item.", id=item_id)
            )
        task.is_gold, task.gold_answer = True, _checked_answer(project, row, answer)
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
