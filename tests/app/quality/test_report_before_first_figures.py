"""A report page opened after the first answers arrived but before the job recomputed the
stored report (computed when the project had no answers) says the figures are being computed,
in Chinese and English, instead of failing with a server error."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.builders import World, login
from tests.app.quality.plans import LABELS, TEXTS, label_everything


def test_the_page_waits_for_the_first_figures(
    app: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    client = app.test_client()
    login(client, email)
    empty = client.get(f"/projects/{project}/quality")
    assert empty.status_code == 200 and "暂无标注" in empty.text
    label_everything(world, project)
    monkeypatch.setattr("app.quality.views.enqueue_quality_refresh", lambda *_a, **_k: None)

    waiting = client.get(f"/projects/{project}/quality")
    assert waiting.status_code == 200
    assert "正在根据标注计算首批统计数据" in waiting.text.split('id="report-empty">')[1]
    english = client.get(f"/projects/{project}/quality?lang=en")
    assert english.status_code == 200 and "The first figures are being computed" in english.text

    monkeypatch.undo()
    ready = client.get(f"/projects/{project}/quality")
    assert 'id="report-empty"' not in ready.text and 'id="quality-computing"' not in ready.text
