"""Why an expert skipped a task: a stable code, translated only when shown.

Stored (and passed to :func:`app.labeling.services.skip_task`) as the code itself, or as
``"other: <free text>"`` for a reason of the expert's own words, so the audit trail reads the
same whatever language the expert used the interface in.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.exceptions import Invalid

SKIP_REASONS = {
    "unclear": _l("I don't understand it"),
    "off_topic": _l("It does not fit the project"),
    "not_my_domain": _l("Not my field"),
    "broken_media": _l("The content is broken"),
    "other": _l("Another reason"),
}
OTHER = "other"
MAX_NOTE = 500


def skip_reason(reason: str, note: str = "") -> str:
    """The stored form of a skip reason: a code from :data:`SKIP_REASONS`, or ``"other: …"``.

    ``note`` is the free text of ``"other"`` (required there, ignored elsewhere). Text that is
    not a code (clients older than the codes) is kept as the free text of ``"other"``. Raises
    Invalid when there is no reason or ``"other"`` has no text.
    """
    reason, note = reason.strip(), note.strip()
    if reason in SKIP_REASONS and reason != OTHER:
        return reason
    text = note if reason == OTHER else reason
    if not text:
        raise Invalid(_l("Please give a reason for skipping."), code="no_reason")
    return f"{OTHER}: {text[:MAX_NOTE]}"


def skip_reason_text(stored: str) -> str:
    """A stored reason in the reader's language (free text as the expert wrote it)."""
    if stored.startswith(f"{OTHER}: "):
        return str(
            _l("%(reason)s: %(note)s", reason=SKIP_REASONS[OTHER], note=stored[len(OTHER) + 2 :])
        )
    label = SKIP_REASONS.get(stored)
    return str(label) if label is not None else stored
