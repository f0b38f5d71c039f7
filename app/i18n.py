"""Translations: Chinese (zh_CN) by default, English on request (cookie or ``?lang=``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from app.config import PROJECT_ROOT
from app.extensions import babel

LANG_COOKIE = "wanbiao_lang"


def select_locale() -> str:
    """``?lang=`` wins, then the language cookie, then zh_CN (never the browser's guess)."""
    if not has_request_context():  # command line, background jobs
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return str(candidate)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the catalogs in ``app/translations``."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "app" / "translations"),
    )
    app.context_processor(template_helpers)
    app.add_template_filter(iso_datetime, "isodatetime")


def iso_datetime(value: str | None) -> str:
    """An ISO 8601 time with its offset (as the API gives it) written as every page writes
    times: ``yyyy-MM-dd HH:mm`` in the configured time zone (Beijing time); "—" for none."""
    if not value:
        return "—"
    return str(format_datetime(datetime.fromisoformat(value), "yyyy-MM-dd HH:mm"))


ROLE_NAMES = {
    "admin": _l("Administrator"),
    "auditor": _l("Auditor"),
    "vendor": _l("Vendor"),
    "expert": _l("Expert"),
    "publisher": _l("Publisher"),
    "enterprise": _l("AI company"),
    "city_official": _l("City official"),
}
CORPUS_STATUS_NAMES = {
    "mapping": _l("Waiting for its column mapping"),
    "processing": _l("Processing"),
    "ready": _l("Ready"),
    "failed": _l("Failed"),
}
TASK_TYPE_NAMES = {
    "classify": _l("Classification"),
    "ner": _l("Named entities"),
    "clean": _l("Text cleaning"),
    "bbox": _l("Image boxes"),
    "collect": _l("Data collection"),
}
ACTION_NAMES = {
    "login": _l("Logged in"),
    "login_failed": _l("Failed login"),
    "logout": _l("Logged out"),
    "password_changed": _l("Password changed"),
    "token_issued": _l("API token issued"),
    "user_created": _l("Account created"),
    "expert_registered": _l("Expert registered (applicant)"),
    "org_created": _l("Organization created"),
    "corpus_uploaded": _l("Corpus uploaded"),
    "project_created": _l("Project created"),
    "annotation_submitted": _l("Answer submitted"),
    "task_skipped": _l("Task skipped"),
    "gold_set": _l("Check items set"),
    "reviewer_added": _l("Reviewer added"),
    "item_adjudicated": _l("Item adjudicated"),
    "export_requested": _l("Export requested"),
    "export_downloaded": _l("Export downloaded"),
    "image_read": _l("Image viewed"),
    "token_revoked": _l("API token revoked"),
    "tokens_revoked": _l("All API tokens revoked"),
    "user_deactivated": _l("Account deactivated"),
    "user_reactivated": _l("Account reactivated"),
    "password_reset_issued": _l("Password-reset link issued"),
    "password_reset_used": _l("Password reset"),
    "org_updated": _l("Organization edited"),
    "release_draft": _l("Release created"),
    "release_analysing": _l("Release analysis started"),
    "release_in_review": _l("Release ready for review"),
    "release_failed": _l("Release failed"),
    "release_approved": _l("Release approved"),
    "release_publish_requested": _l("Release publishing requested"),
    "release_published": _l("Release published"),
    "release_withdrawn": _l("Release withdrawn"),
    "release_downloaded": _l("Release downloaded"),
    "evidence_uploaded": _l("Qualification evidence uploaded"),
    "expert_domain_approved": _l("Expert domain approved"),
    "expert_domain_rejected": _l("Expert domain rejected"),
    "expert_invited": _l("Expert invited to a project"),
    "invitation_withdrawn": _l("Project invitation withdrawn"),
    "pool_created": _l("Expert pool created"),
    "pool_renamed": _l("Expert pool renamed"),
    "pool_deleted": _l("Expert pool deleted"),
    "pool_member_added": _l("Expert added to a pool"),
    "pool_member_removed": _l("Expert removed from a pool"),
    "pool_invited": _l("Expert pool invited to a project"),
    "pool_invitation_withdrawn": _l("Expert pool's invitation withdrawn"),
    "claim_throttled": _l("Claim throttled (too fast)"),
    "corpus_deleted": _l("Corpus deleted"),
    "corpus_retried": _l("Corpus ingestion retried"),
    "items_dropped": _l("Items dropped from a corpus"),
    "items_restored": _l("Items restored to a corpus"),
    "min_length_set": _l("Minimum item length set"),
    "near_duplicates_searched": _l("Near-duplicates searched"),
    "gold_removed": _l("Check items removed"),
    "contribution_accepted": _l("Contribution accepted"),
    "contribution_rejected": _l("Contribution rejected"),
}
VERIFICATION_STATUS_NAMES = {
    "pending": _l("Waiting for a decision"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}
EVIDENCE_KIND_NAMES = {
    "certificate": _l("Professional certificate"),
    "employer_letter": _l("Letter from the employer"),
}
RELEASE_STATE_NAMES = {
    "draft": _l("Draft"),
    "analysing": _l("Analysing"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "failed": _l("Failed"),
    "withdrawn": _l("Withdrawn"),
}


def _name_in(table: dict[str, Any]) -> Callable[[str], str]:
    return lambda key: str(table.get(key, key))


def template_helpers() -> dict[str, Any]:
    """Names of roles, statuses, task types and actions in the current language."""
    return {
        "role_name": _name_in(ROLE_NAMES),
        "corpus_status_name": _name_in(CORPUS_STATUS_NAMES),
        "task_type_name": _name_in(TASK_TYPE_NAMES),
        "action_name": _name_in(ACTION_NAMES),
        "verification_status_name": _name_in(VERIFICATION_STATUS_NAMES),
        "evidence_kind_name": _name_in(EVIDENCE_KIND_NAMES),
        "release_state_name": _name_in(RELEASE_STATE_NAMES),
        "current_locale": current_language,
    }


def current_language() -> str:
    """``zh_CN`` or ``en``: the UI language of this request (Babel reports zh as zh_Hans_CN)."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else "en"
