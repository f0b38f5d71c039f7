"""Refusals of the release rules, each with a stable ``code`` that the API passes on.

The pure modules raise these; the services turn them into ``Invalid`` (422), ``Conflict``
(409) or ``Forbidden`` (403) with the same code.
"""

from __future__ import annotations


class ReleaseRuleError(Exception):
    """A release rule refused something: ``code`` is stable, ``message`` is for people,
    ``field`` names the offending input when there is one."""

    code = "release.invalid"

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class PolicyInvalid(ReleaseRuleError):
    """A release policy that cannot be used."""


class TransitionRefused(ReleaseRuleError):
    """A state change the release state machine does not allow."""


class SelfApproval(ReleaseRuleError):
    """The builder of a release tried to approve it."""


class SpanInvalid(ReleaseRuleError):
    """A finding or reviewer span that does not fit its document."""
