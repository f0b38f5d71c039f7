"""Forms of the admin pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.organizations import ANHUI_CITIES
from app.accounts.services import KNOWN_DOMAINS


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(
        _l("Unified social credit code"),
        validators=[
            DataRequired(),
            Length(min=18, max=18, message=_l("The code has exactly 18 characters.")),
        ],
    )
    city = SelectField(_l("City"), choices=[(c, c) for c in ANHUI_CITIES])
    kind = SelectField(
        _l("Kind"),
        default="vendor",
        choices=[
            ("vendor", _l("Vendor")),
            ("publisher", _l("Publisher")),
            ("enterprise", _l("AI company")),
            ("city_office", _l("City data or finance office")),
        ],
    )


class StaffForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    organization_id = SelectField(_l("Organization"), coerce=int, validate_choice=False)


class OrganizationEditForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    city = SelectField(_l("City"), choices=[(c, c) for c in ANHUI_CITIES])


class ExpertForm(FlaskForm):
    """An expert the admin creates: verified at once for the domains ticked."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    domains = SelectMultipleField(
        _l("Verified domains"),
        choices=[(d, d) for d in KNOWN_DOMAINS],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(message=_l("Choose at least one domain of expertise."))],
    )


class DecisionForm(FlaskForm):
    """The bureau's or a vendor's decision on one declared domain."""

    domain = StringField(validators=[DataRequired(), Length(max=20)])
    decision = SelectField(choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    reason = StringField(_l("Reason"), validators=[Length(max=500)])
