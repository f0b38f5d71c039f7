"""The errors of the task domain.

Each carries a stable ``code`` and keyword ``params``; the web layer turns the code into a
translated sentence with the params filled in, so nothing here is user-facing text.
"""

from __future__ import annotations

from typing import Any


class TaskRuleError(ValueError):
    """A configuration, answer or state change that breaks the task rules."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class InvalidConfig(TaskRuleError):
    """A project configuration the task type cannot run."""


class InvalidAnswer(TaskRuleError):
    """An answer that does not fit the project."""


class InvalidTransition(TaskRuleError):
    """An event the assignment's current status does not allow."""
