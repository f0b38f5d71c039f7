"""Assignment policy: which task an expert gets next, when a gold item is due, daily caps.

Pure decisions over counts the web layer reads from the database.
"""

from __future__ import annotations

from fractions import Fraction


def should_serve_gold(served_total: int, served_gold: int, ratio: float) -> bool:
    """Whether the next task served to an expert in a project should be a gold item.

    Input: tasks served to the expert so far in the project (gold included), how many of
    them were gold, and the project's ``gold_ratio``. Output: True when
    served_gold < ratio · (served_total + 1), compared exactly as fractions. So the first
    task is gold whenever ratio > 0 (early feedback), and after n tasks the gold count is
    ⌈ratio · n⌉: ratio 0.2 serves gold as tasks 1, 6, 11, … Deterministic: the same counts
    give the same answer. When no gold item is left the caller serves a normal task.
    Raises ValueError when counts are negative, served_gold > served_total or ratio is
    outside [0, 1].
    """
    if served_gold < 0 or served_total < served_gold or not 0.0 <= ratio <= 1.0:
        raise ValueError("need 0 <= served_gold <= served_total and 0 <= ratio <= 1")
    share = Fraction(ratio).limit_denominator(1_000_000)
    return served_gold < share * (served_total + 1)


def in_qualification(gold_answered: int, qualification_size: int) -> bool:
    """True while an expert has answered fewer check items than the project's qualification
    test asks for: until then only check items are served (0 = no qualification test)."""
    if gold_answered < 0 or qualification_size < 0:
        raise ValueError("counts cannot be negative")
    return gold_answered < qualification_size


def daily_cap_reached(done_today: int, cap: int | None) -> bool:
    """Whether an expert may take no more tasks today.

    Input: answers the expert submitted today (the bureau's day, counted by the caller) and
    the project's ``daily_cap`` (None: no cap). Output: True when done_today >= cap.
    Raises ValueError when done_today < 0 or cap < 1.
    """
    if done_today < 0 or (cap is not None and cap < 1):
        raise ValueError("need done_today >= 0 and cap >= 1 or None")
    return cap is not None and done_today >= cap


#: Tasks an expert must have opened in a project before the skip ratio can pause them: two
#: skips of the first three tasks say little.
SKIP_RATIO_MIN_OPENED = 10


def skip_ratio_exceeded(skipped: int, opened: int, limit: float | None) -> bool:
    """Whether an expert skipped too large a share of the tasks they opened in a project.

    Input: tasks the expert skipped, tasks they opened (skipped + answered, check items
    included) and the project's ``skip_ratio`` (None: no limit). Output: True when at least
    :data:`SKIP_RATIO_MIN_OPENED` tasks were opened and skipped / opened > limit.
    Raises ValueError when counts are negative or skipped > opened.
    """
    if skipped < 0 or opened < skipped:
        raise ValueError("need 0 <= skipped <= opened")
    if limit is None or opened < SKIP_RATIO_MIN_OPENED:
        return False
    return skipped > limit * opened


def claim_order_key(slots_taken: int, overlap: int, task_id: int) -> tuple[int, int]:
    """Sort key for the open tasks of a project: the smallest key is claimed first.

    Rule: finish items already holding k − 1 answers first — fewest slots still open
    (overlap − slots_taken) first, then the oldest task id — so complete items (which
    quality checks and releases need) accumulate early instead of every item sitting at
    k − 1 answers. Within one project this is ``ORDER BY slots_taken DESC, id``.
    Output: (open slots, task_id). Raises ValueError when the task is not claimable
    (slots_taken < 0 or slots_taken >= overlap): filter those out first.
    """
    if not 0 <= slots_taken < overlap:
        raise ValueError("a claimable task has 0 <= slots_taken < overlap")
    return overlap - slots_taken, task_id


def expert_qualifies(required_domains: list[str], expert_domains: list[str]) -> bool:
    """Qualification routing: whether an expert may work on a project.

    Input: the project's ``domains`` option and the expert's registered domains. Output:
    True when the project requires no domain or the expert holds at least one of them.
    Raises nothing.
    """
    return not required_domains or bool(set(required_domains) & set(expert_domains))
