"""The task types by name, and the Protocol they implement."""

from __future__ import annotations

from typing import Any, Protocol

from tasks.config import ProjectConfig
from tasks.errors import InvalidConfig
from tasks.kinds.bbox import BoxTask
from tasks.kinds.classify import ClassifyTask
from tasks.kinds.clean import CleanTask
from tasks.kinds.collect import CollectTask
from tasks.kinds.ner import NerTask


class TaskType(Protocol):
    """A kind of annotation work, registered by name in :data:`TASK_TYPES`."""

    name: str

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Return the normalised configuration; raise InvalidConfig."""
        ...

    def validate_result(
        self,
        result: object,
        config: ProjectConfig,
        *,
        item_text: str | None = None,
        image_size: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """Return the normalised answer; raise InvalidAnswer. ``item_text`` is the item's
        text (ner needs it, clean records a diff against it); ``image_size`` is the image's
        (width, height) in pixels (bbox checks boxes against it). Other types ignore them."""
        ...


TASK_TYPES: dict[str, TaskType] = {
    kind.name: kind for kind in (ClassifyTask(), NerTask(), CleanTask(), BoxTask(), CollectTask())
}


def task_type(name: str) -> TaskType:
    """The registered task type called ``name``; raise InvalidConfig("unknown_type", name)."""
    try:
        return TASK_TYPES[name]
    except KeyError:
        raise InvalidConfig("unknown_type", name=name[:40]) from None
