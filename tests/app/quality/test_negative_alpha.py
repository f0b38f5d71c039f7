"""A negative α is drawn (issue 13: "negative α drawn as nothing"): its bar runs left of a
zero axis, in the charts of the quality page."""

from __future__ import annotations

import re
import uuid
from typing import Any

from app.charts import signed_bars
from tests.app.builders import World, login

# Two experts who disagree on every item where they could agree: α is below zero.
FIRST = ["正面", "负面", "正面", "负面", "正面", "负面"]
SECOND = ["负面", "正面", "负面", "正面", "负面", "正面"]


def test_negative_values_grow_left_of_the_zero_axis() -> None:
    chart = signed_bars([("正面", -0.5), ("负面", 0.8), ("中性", None)])
    negative, positive, missing = chart.bars
    assert chart.zero is not None and chart.zero > 0
    assert negative.negative and negative.width > 0
    assert negative.x + negative.width == chart.zero
    assert not positive.negative and positive.x == chart.zero and positive.width > 0
    assert missing.width == 0 and missing.text == "—"
    assert signed_bars([("正面", 0.4)]).zero is None  # all positive: bars start at zero


def test_the_quality_page_draws_a_negative_alpha(app: Any, world: World) -> None:
    org = world.org()
    vendor_email = world.user("vendor", org)
    vendor = world.api(vendor_email)
    texts = [f"第{i}条评论。" for i in range(6)]
    project = world.project(vendor, texts, overlap=2, labels=("正面", "负面"))
    for answers in (FIRST, SECOND):
        expert = world.api(world.user("expert"))
        for label in answers:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            response = expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"label": label}, "client_uuid": str(uuid.uuid4())},
            )
            assert response.status_code == 201
    client = app.test_client()
    login(client, vendor_email)
    page = client.get(f"/projects/{project}/quality").text
    alpha = re.search(r'id="report-alpha"[^>]*>.*?(-?\d\.\d{3})', page, re.S)
    assert alpha is not None and float(alpha.group(1)) < 0, page
    bars = re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="22" class="bar negative"', page
    )
    assert bars and all(float(width) > 0 for width in bars)
    assert 'class="zero-axis"' in page
