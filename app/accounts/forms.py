"""Forms of the auth pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.services import KNOWN_DOMAINS, MIN_PASSWORD


def new_password_field(label: Any) -> PasswordField:
    """A field for a password being chosen: required, at least ``MIN_PASSWORD`` long."""
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD,
                max=200,
                message=_l("The password needs at least %(n)d characters.", n=MIN_PASSWORD),
            ),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    mobile = StringField(
        _l("Mobile"),
        validators=[
            DataRequired(),
            Regexp(
                r"^1[3-9]\d{9}$", message=_l("Please enter an 11-digit mainland mobile number.")
            ),
        ],
    )
    domains = SelectMultipleField(
        _l("Domains of expertise"),
        choices=[(d, d) for d in KNOWN_DOMAINS],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(message=_l("Choose at least one domain of expertise."))],
    )
    password = new_password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[EqualTo("password", message=_l("The passwords do not match."))],
    )


class PasswordForm(FlaskForm):
    old = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = new_password_field(_l("New password"))


class ResetPasswordForm(FlaskForm):
    new = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[EqualTo("new", message=_l("The passwords do not match."))],
    )


class ButtonForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token of a POST action."""


class EvidenceForm(FlaskForm):
    domain = SelectField(_l("Domain"), validate_choice=False)
    kind = SelectField(
        _l("Document"),
        choices=[
            ("certificate", _l("Professional certificate")),
            ("employer_letter", _l("Letter from the employer")),
        ],
    )
    file = FileField(_l("File (PDF, PNG or JPEG, at most 20 MB)"))
