"""Command line and the API description."""

from __future__ import annotations

import re
from typing import Any

from tests.app.builders import valid_uscc


def test_cli_creates_org_user_and_working_token(app: Any) -> None:
    runner = app.test_cli_runner()
    org = runner.invoke(
        args=["orgs", "create", "--name", "蚌埠数据", "--uscc", valid_uscc(77), "--city", "蚌埠市"]
    )
    assert org.exit_code == 0, org.output
    org_id = org.output.strip()
    user = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "v@bengbu.cn",
            "--password",
            "long-enough-pw",
            "--role",
            "vendor",
            "--org",
            org_id,
        ]
    )
    assert user.exit_code == 0, user.output
    token = runner.invoke(args=["users", "token", "v@bengbu.cn"]).output.strip()
    response = app.test_client().get(
        "/api/v1/corpora/1", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404  # authenticated, and no such corpus


def test_cli_refuses_bad_input(app: Any) -> None:
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["orgs", "create", "--name", "x", "--uscc", "123", "--city", "合肥"])
    assert bad.exit_code != 0 and "统一社会信用代码" in bad.output
    city = runner.invoke(
        args=["orgs", "create", "--name", "x", "--uscc", valid_uscc(78), "--city", "南京"]
    )
    assert city.exit_code != 0
    weak = runner.invoke(
        args=["users", "create", "--email", "a@b.cn", "--password", "short", "--role", "auditor"]
    )
    assert weak.exit_code != 0


def test_openapi_document_lists_the_contract(app: Any) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for path in (
        "/corpora",
        "/corpora/{corpus_id}",
        "/projects",
        "/projects/{project_id}/claim",
        "/tasks/{task_id}/annotations",
        "/projects/{project_id}/quality",
    ):
        assert path in doc["paths"]


def test_openapi_lists_every_api_route(app: Any) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").json
    documented = {path for path in doc["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_json":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            assert path in documented, path
