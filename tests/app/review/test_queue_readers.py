"""Who reads the disputes queue without deciding (the project's vendor, an auditor) is told
why no decision is offered, and the vendor is led to the project page to appoint a reviewer:
the queue no longer looks like a dead end (issue 13, loop 2)."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, login
from tests.app.quality.plans import LABELS, TEXTS, label_everything


def test_the_vendor_is_told_to_appoint_a_reviewer(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    label_everything(world, project)
    client = app.test_client()
    login(client, email)
    page = client.get(f"/review/{project}").text
    assert 'id="review-item"' in page and 'id="review-form"' not in page
    readonly = page.split('id="review-readonly"')[1].split("</p>")[0]
    assert "只有本项目的审核员才能裁定" in readonly
    assert f'href="/projects/{project}#reviewers"' in readonly
    english = client.get(f"/review/{project}?lang=en").text
    assert "Appoint a reviewer on the project page" in english

    auditor = app.test_client()
    login(auditor, world.user("auditor"))
    read = auditor.get(f"/review/{project}").text
    assert 'id="review-readonly"' in read and 'id="review-appoint"' not in read

    reviewer = world.user("expert")
    assert (
        vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": reviewer}).status_code == 201
    )
    deciding = app.test_client()
    login(deciding, reviewer)
    decides = deciding.get(f"/review/{project}").text
    assert 'id="review-form"' in decides and 'id="review-readonly"' not in decides
