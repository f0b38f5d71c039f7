"""The project form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tasks import DOMAINS

TYPE_CHOICES = [
    ("classify", _l("Classification")),
    ("ner", _l("Named entities")),
    ("clean", _l("Text cleaning")),
    ("bbox", _l("Image boxes")),
    ("collect", _l("Data collection")),
]


class GoldForm(FlaskForm):
    file = FileField(
        _l(
            'Check items (.jsonl: one {"item_id", "answer"} per line; or .csv: item_id and '
            "label, text or answer)"
        )
    )


class ProjectForm(FlaskForm):
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    corpus_id = SelectField(_l("Corpus"), coerce=int, validate_choice=False)
    task_type = SelectField(_l("Task type"), choices=TYPE_CHOICES, default="classify")
    labels = TextAreaField(_l("Labels (one per line)"))
    multi = BooleanField(_l("Several labels may be chosen (classification)"))
    allow_overlap = BooleanField(_l("Spans may overlap (named entities)"))
    overlap = IntegerField(
        _l("Experts per item (k)"),
        default=2,
        validators=[
            DataRequired(),
            NumberRange(min=1, max=5, message=_l("Overlap must be between 1 and 5.")),
        ],
    )
    domains = SelectMultipleField(
        _l("Required domains (none: open to every expert)"),
        choices=[(d, d) for d in DOMAINS],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    gold_ratio = DecimalField(
        _l("Share of check items (0–0.5)"),
        places=2,
        default=0,
        validators=[Optional(), NumberRange(min=0, max=0.5)],
    )
    gold_pass_mark = DecimalField(
        _l("Pass mark on check items (0–1)"),
        places=2,
        default=0.8,
        validators=[Optional(), NumberRange(min=0, max=1)],
    )
    gold_item_threshold = DecimalField(
        _l("Score a check answer needs to count as right (0.05–1)"),
        places=2,
        default=0.8,
        validators=[Optional(), NumberRange(min=0.05, max=1)],
    )
    gold_feedback = BooleanField(_l("Show experts the right answer after a check item"))
    qualification_size = IntegerField(
        _l("Qualification test: check items answered before any real task (empty: none)"),
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
    daily_cap = IntegerField(
        _l("Tasks per expert per day, answered or skipped (empty: no limit)"),
        validators=[Optional(), NumberRange(min=1)],
    )
    skip_ratio = DecimalField(
        _l("Largest share of tasks an expert may skip before being paused (0–1, empty: any)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=1)],
    )
    invitation_only = BooleanField(_l("Invitation only: only experts you invite get its items"))
    lease_minutes = IntegerField(
        _l("Minutes an expert may hold a task"),
        default=30,
        validators=[Optional(), NumberRange(min=1, max=1440)],
    )
    prompt = TextAreaField(
        _l("Prompt for contributions (data collection)"), validators=[Length(max=20000)]
    )
    contributions = IntegerField(
        _l("Contributions wanted (data collection)"),
        default=100,
        validators=[Optional(), NumberRange(min=1, max=100_000)],
    )
    instructions = TextAreaField(_l("Instructions for the experts"), validators=[Length(max=20000)])

    def options(self) -> dict[str, Any]:
        """The task-type options the form sets (only the ones that apply)."""
        return {**self._type_options(), **self._gold_options(), **self._work_options()}

    def _type_options(self) -> dict[str, Any]:
        kind = self.task_type.data
        if kind == "classify" and self.multi.data:
            return {"multi": True}
        if kind == "ner" and self.allow_overlap.data:
            return {"allow_overlap": True}
        if kind == "collect":
            wanted = {"contributions": self.contributions.data} if self.contributions.data else {}
            return {"prompt": self.prompt.data or "", **wanted}
        return {}

    def _gold_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.gold_ratio.data:
            options["gold_ratio"] = float(self.gold_ratio.data)
            options["gold_feedback"] = bool(self.gold_feedback.data)
        if self.qualification_size.data:
            options["qualification_size"] = self.qualification_size.data
        if options and self.gold_pass_mark.data is not None:
            options["gold_pass_mark"] = float(self.gold_pass_mark.data)
        scored = self.task_type.data != "classify" or self.multi.data  # not one exact label
        if options and scored and self.gold_item_threshold.data is not None:
            options["gold_item_threshold"] = float(self.gold_item_threshold.data)
        return options

    def _work_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.domains.data:
            options["domains"] = list(self.domains.data)
        if self.daily_cap.data:
            options["daily_cap"] = self.daily_cap.data
        if self.skip_ratio.data is not None:
            options["skip_ratio"] = float(self.skip_ratio.data)
        if self.invitation_only.data:
            options["invitation_only"] = True
        if self.lease_minutes.data:
            options["lease_seconds"] = self.lease_minutes.data * 60
        return options


class InvitationForm(FlaskForm):
    email = EmailField(_l("Expert's email"), validators=[DataRequired(), Length(max=254)])


class PoolForm(FlaskForm):
    name = StringField(_l("Pool name"), validators=[DataRequired(), Length(max=100)])


class PoolInviteForm(FlaskForm):
    pool_id = SelectField(_l("Expert pool"), coerce=int, validate_choice=False)
