"""The project form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange


class ProjectForm(FlaskForm):
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    corpus_id = SelectField(_l("Corpus"), coerce=int, validate_choice=False)
    labels = TextAreaField(_l("Labels (one per line)"), validators=[DataRequired()])
    overlap = IntegerField(_l("Experts per item (k)"), default=2, validators=[
        DataRequired(), NumberRange(min=1, max=5, message=_l("Overlap must be between 1 and 5."))])
    instructions = TextAreaField(_l("Instructions for the experts"),
                                 validators=[Length(max=20000)])
