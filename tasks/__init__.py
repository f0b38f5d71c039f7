"""Task-distribution domain: task types and their answer rules, project options, gold
scoring, assignment policy, the assignment state machine and leases. Pure Python, no I/O."""

from tasks.assignment import (
    claim_order_key,
    daily_cap_reached,
    expert_qualifies,
    in_qualification,
    should_serve_gold,
    skip_ratio_exceeded,
)
from tasks.config import DOMAINS, ProjectConfig, option_value
from tasks.errors import InvalidAnswer, InvalidConfig, InvalidTransition, TaskRuleError
from tasks.gold import (
    GOLD_ITEM_PASS_SCORE,
    GOLD_SCORE_TOLERANCE,
    expert_is_paused,
    gold_item_pass_score,
    gold_item_passed,
    score_against_gold,
)
from tasks.leases import lease_expiry, lease_is_live
from tasks.registry import TASK_TYPES, TaskType, task_type
from tasks.states import AssignmentEvent, AssignmentStatus, holds_slot, next_status
from tasks.textdiff import text_diff

__all__ = [
    "DOMAINS",
    "GOLD_ITEM_PASS_SCORE",
    "GOLD_SCORE_TOLERANCE",
    "TASK_TYPES",
    "AssignmentEvent",
    "AssignmentStatus",
    "InvalidAnswer",
    "InvalidConfig",
    "InvalidTransition",
    "ProjectConfig",
    "TaskRuleError",
    "TaskType",
    "claim_order_key",
    "daily_cap_reached",
    "expert_is_paused",
    "expert_qualifies",
    "gold_item_pass_score",
    "gold_item_passed",
    "holds_slot",
    "in_qualification",
    "lease_expiry",
    "lease_is_live",
    "next_status",
    "option_value",
    "score_against_gold",
    "should_serve_gold",
    "skip_ratio_exceeded",
    "task_type",
    "text_diff",
]
