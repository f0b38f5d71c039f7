"""Task-distribution domain: task types, answer validation, leases. Pure Python, no I/O."""

from tasks.leases import lease_expiry, lease_is_live
from tasks.types import (
    InvalidAnswer,
    InvalidConfig,
    ProjectConfig,
    TaskRuleError,
    TaskType,
    task_type,
)

__all__ = [
    "InvalidAnswer", "InvalidConfig", "ProjectConfig", "TaskRuleError", "TaskType",
    "lease_expiry", "lease_is_live", "task_type",
]
