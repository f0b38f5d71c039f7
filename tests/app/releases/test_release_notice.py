"""The open-data notice: releases, documents, findings and downloads of a month or quarter,
by city and department, as a page, JSON and formula-safe CSV."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.exceptions import Invalid
from app.models.base import utcnow
from app.releases.notice import BEIJING, parse_period
from tests.app.builders import login
from tests.app.releases.release_world import DOCUMENTS, ReleaseWorld, organization


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1)),
        ("2026-Q4", datetime(2026, 10, 1), datetime(2027, 1, 1)),
        ("2025-Q1", datetime(2025, 1, 1), datetime(2025, 4, 1)),
        ("2026-02", datetime(2026, 2, 1), datetime(2026, 3, 1)),
    ],
)
def test_periods_are_months_or_quarters_in_beijing_time(
    text: str, start: datetime, end: datetime
) -> None:
    got_start, got_end, label = parse_period(text)
    assert (got_start, got_end, label) == (
        start.replace(tzinfo=BEIJING),
        end.replace(tzinfo=BEIJING),
        text,
    )
    assert got_start.astimezone(UTC).hour == 16  # midnight in Beijing is 16:00 UTC


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-12", "2026-1", "", "1999-01"])
def test_bad_periods_are_refused(app: object, text: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_period(text)
    assert refused.value.code == "notice.bad_period"


def publish(releases: ReleaseWorld, publisher: object, texts: list[str]) -> int:
    corpus = releases.world.ready_corpus(publisher, texts)
    release_id = publisher.post(
        "/api/v1/releases", {"corpus_id": corpus, "title": '=HYPERLINK("x")'}
    ).json["id"]
    assert publisher.post(f"/api/v1/releases/{release_id}/analyse").status_code == 202
    releases.review_all(release_id)
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert publisher.post(f"/api/v1/releases/{release_id}/publish").status_code == 202
    return int(release_id)


def test_the_notice_counts_each_city_and_department(releases: ReleaseWorld) -> None:
    world = releases.world
    first = publish(releases, releases.publisher, DOCUMENTS)
    other = world.api(
        world.user("publisher", organization(world, "publisher", "芜湖市地方志办公室", "=地方志办"))
    )
    publish(releases, other, DOCUMENTS[:2])
    assert (
        releases.enterprise.post(
            f"/api/v1/releases/{first}/downloads", {"file": "documents.jsonl"}
        ).status_code
        == 200
    )
    period = utcnow().astimezone(BEIJING).strftime("%Y-%m")
    notice = releases.auditor.get(f"/api/v1/releases/notice?period={period}").json
    by_department = {r["department"]: r for r in notice["rows"]}
    archive = by_department["档案局"]
    assert (archive["city"], archive["releases"], archive["documents"], archive["downloads"]) == (
        "合肥",
        1,
        4,
        1,
    )
    assert archive["findings"] == {"CN_PHONE": 2, "PERSON": 2}
    assert by_department["=地方志办"]["documents"] == 2
    assert notice["totals"] == {
        "releases": 2,
        "documents": 6,
        "downloads": 1,
        "characters": sum(len(t) for t in DOCUMENTS + DOCUMENTS[:2]),
    }
    last_year = releases.auditor.get("/api/v1/releases/notice?period=2020-Q1").json
    assert last_year["rows"] == [] and last_year["totals"]["releases"] == 0
    # The period is stated in Beijing dates: the first of the month, not the UTC eve of it.
    assert (last_year["first_day"], last_year["last_day"]) == ("2020-01-01", "2020-03-31")
    assert releases.publisher.get(f"/api/v1/releases/notice?period={period}").status_code == 403
    bad = releases.auditor.get("/api/v1/releases/notice?period=soon")
    assert bad.status_code == 422 and bad.json["error"]["code"] == "notice.bad_period"

    client = world.app.test_client()
    login(client, world.user("auditor"))
    page = client.get(f"/releases/notice?period={period}").get_data(as_text=True)
    assert 'id="notice-table"' in page and "档案局" in page and "<svg" in page
    assert f"{period}-01 至" in page
    csv = client.get(f"/releases/notice.csv?period={period}").get_data(as_text=True)
    assert "'=地方志办" in csv and ",=地方志办" not in csv
