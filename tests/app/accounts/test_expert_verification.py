"""Experts are verified before they see data (issue 14, "Anyone can read everything"):
self-registration makes an applicant who can claim nothing; the applicant uploads evidence
per declared domain; the bureau approves or rejects each domain with a reason (a vendor for
its own projects only); experts an admin creates are verified for the domains given."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

from tests.app.builders import PASSWORD, Api, World, login
from tests.app.corpora.image_files import png

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _register(app: Any, email: str, domains: list[str]) -> Any:
    client = app.test_client()
    response = client.post(
        "/register",
        data={
            "name": "王医生",
            "email": email,
            "mobile": "13912345678",
            "domains": domains,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("/account/verification")
    return client


def _applicant_api(app: Any, world: World, email: str, domains: list[str]) -> Api:
    _register(app, email, domains)
    return world.api(email)


def _project(world: World, vendor: Api, domains: list[str], texts: list[str]) -> int:
    corpus = world.ready_corpus(vendor, texts)
    response = vendor.post(
        "/api/v1/projects",
        {
            "name": f"病历分类 {corpus}",
            "corpus_id": corpus,
            "type": "classify",
            "labels": ["是", "否"],
            "overlap": 1,
            "domains": domains,
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _upload(api: Api, domain: str, data: bytes, name: str, kind: str = "certificate") -> Any:
    return api.client.post(
        "/api/v1/experts/me/evidence",
        data={"domain": domain, "kind": kind, "file": (io.BytesIO(data), name)},
        headers={"Authorization": f"Bearer {api.token}"},
        content_type="multipart/form-data",
    )


def _user_id(app: Any, email: str) -> int:
    from app.extensions import db
    from app.models import User

    with app.app_context():
        return int(db.session.query(User.id).filter_by(email=email).scalar())


def test_a_self_registered_expert_can_claim_nothing_until_approved(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    open_project = _project(world, vendor, [], ["身份证号340104199001011234的病历。"])
    medical = _project(world, vendor, ["医疗"], ["另一份病历。"])
    client = _register(app, "applicant@example.cn", ["医疗", "法律"])
    api = world.api("applicant@example.cn")
    for project in (open_project, medical):
        refused = api.post(f"/api/v1/projects/{project}/claim")
        assert refused.status_code == 403, refused.json
        assert refused.json["error"]["code"] == "not_verified"
        assert "验证" in refused.json["error"]["message"]
    home = client.get("/")
    assert 'id="awaiting-verification"' in home.text and "病历分类" not in home.text
    workbench = client.get(f"/annotate/{medical}")
    assert workbench.status_code == 403 and "验证" in workbench.text
    mine = api.get("/api/v1/experts/me/verification").json
    assert mine["verified"] is False
    assert [(d["domain"], d["status"]) for d in mine["domains"]] == [
        ("医疗", "pending"),
        ("法律", "pending"),
    ]


def test_evidence_is_identified_by_its_bytes_and_stored(app: Any, world: World) -> None:
    api = _applicant_api(app, world, "evidence@example.cn", ["医疗"])
    pdf = _upload(api, "医疗", PDF, "执业证书.pdf")
    assert pdf.status_code == 201, pdf.json
    assert pdf.json["content_type"] == "application/pdf"
    picture = _upload(api, "医疗", png(), "工作证明.jpg", kind="employer_letter")
    assert picture.status_code == 201 and picture.json["content_type"] == "image/png"
    fake = _upload(api, "医疗", b"<html><script>alert(1)</script></html>", "证书.pdf")
    assert fake.status_code == 422 and fake.json["error"]["code"] == "bad_evidence"
    undeclared = _upload(api, "法律", PDF, "律师证.pdf")
    assert undeclared.status_code == 422
    assert undeclared.json["error"]["code"] == "undeclared_domain"
    bad_kind = _upload(api, "医疗", PDF, "x.pdf", kind="selfie")
    assert bad_kind.status_code == 422
    stored = api.get("/api/v1/experts/me/verification").json["domains"][0]["evidence"]
    assert [e["kind"] for e in stored] == ["certificate", "employer_letter"]
    auditor = world.api(world.user("auditor"))
    download = auditor.get(stored[0]["url"])
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    stranger = world.api(world.user("expert"))
    assert stranger.get(stored[0]["url"]).status_code == 404
    unrelated_vendor = world.vendor_api()
    assert unrelated_vendor.get(stored[0]["url"]).status_code == 404


def test_the_bureau_approves_each_domain_with_a_reason(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    medical = _project(world, vendor, ["医疗"], ["病历一。", "病历二。"])
    legal = _project(world, vendor, ["法律"], ["合同一。"])
    api = _applicant_api(app, world, "doctor@example.cn", ["医疗", "法律"])
    applicant = _user_id(app, "doctor@example.cn")
    auditor = world.api(world.user("auditor"))
    pending = auditor.get("/api/v1/experts/applications").json
    assert [a["email"] for a in pending] == ["doctor@example.cn"]
    url = f"/api/v1/experts/{applicant}/decisions"
    no_reason = auditor.post(url, {"domain": "医疗", "decision": "approve", "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json["error"]["code"] == "no_reason"
    undeclared = auditor.post(url, {"domain": "教育", "decision": "approve", "reason": "证书"})
    assert undeclared.status_code == 422
    assert api.post(f"/api/v1/projects/{medical}/claim").status_code == 403
    approve = auditor.post(url, {"domain": "医疗", "decision": "approve", "reason": "执业证书核验"})
    assert approve.status_code == 200 and approve.json["status"] == "approved"
    reject = auditor.post(url, {"domain": "法律", "decision": "reject", "reason": "无律师执业证"})
    assert reject.status_code == 200 and reject.json["status"] == "rejected"
    assert api.post(f"/api/v1/projects/{medical}/claim").status_code == 200
    assert api.post(f"/api/v1/projects/{legal}/claim").status_code == 404
    mine = {d["domain"]: d for d in api.get("/api/v1/experts/me/verification").json["domains"]}
    assert mine["法律"]["status"] == "rejected" and mine["法律"]["reason"] == "无律师执业证"
    expert = world.api(world.user("expert"))
    forbidden = expert.post(url, {"domain": "医疗", "decision": "approve", "reason": "x"})
    assert forbidden.status_code == 403
    assert auditor.get("/api/v1/experts/applications").json == []
    # Withdrawing the domain later ends the live lease at once: the item is free again.
    held = api.post(f"/api/v1/projects/{medical}/claim").json["task_id"]
    withdrawn = auditor.post(url, {"domain": "医疗", "decision": "reject", "reason": "证书过期"})
    assert withdrawn.status_code == 200
    no_domain_left = api.post(f"/api/v1/projects/{medical}/claim")
    assert no_domain_left.json["error"]["code"] == "not_verified"
    colleague = world.api(world.user("expert", domains=["医疗"]))
    offered = set()
    for _ in range(2):
        task = colleague.post(f"/api/v1/projects/{medical}/claim").json["task_id"]
        offered.add(task)
        answer = {"result": {"label": "是"}, "client_uuid": str(uuid.uuid4())}
        assert colleague.post(f"/api/v1/tasks/{task}/annotations", answer).status_code == 201
    assert held in offered


def test_a_vendor_approval_holds_on_its_own_projects_only(app: Any, world: World) -> None:
    vendor, other = world.vendor_api(), world.vendor_api()
    own = _project(world, vendor, ["医疗"], ["本公司病历。"])
    foreign = _project(world, other, ["医疗"], ["别家病历。"])
    api = _applicant_api(app, world, "nurse@example.cn", ["医疗"])
    applicant = _user_id(app, "nurse@example.cn")
    seen = vendor.get("/api/v1/experts/applications").json
    assert [a["email"] for a in seen] == ["nurse@example.cn"]
    decided = vendor.post(
        f"/api/v1/experts/{applicant}/decisions",
        {"domain": "医疗", "decision": "approve", "reason": "面试通过"},
    )
    assert decided.status_code == 200 and decided.json["organization_id"] is not None
    assert api.post(f"/api/v1/projects/{own}/claim").status_code == 200
    assert api.post(f"/api/v1/projects/{foreign}/claim").json["error"]["code"] == "not_verified"
    stranger_vendor = world.vendor_api()
    assert stranger_vendor.get("/api/v1/experts/applications").json == []


def test_pages_register_upload_and_decide(app: Any, world: World) -> None:
    client = _register(app, "teacher@example.cn", ["教育"])
    page = client.get("/account/verification")
    assert page.status_code == 200 and 'id="evidence-form"' in page.text
    uploaded = client.post(
        "/account/verification",
        data={
            "domain": "教育",
            "kind": "certificate",
            "file": (io.BytesIO(PDF), "教师资格证.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    refused = client.post(
        "/account/verification",
        data={"domain": "教育", "kind": "certificate", "file": (io.BytesIO(b"MZ\x90"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "PDF" in refused.text
    assert "教师资格证.pdf" in client.get("/account/verification").text
    admin = app.test_client()
    login(admin, world.user("admin"))
    listing = admin.get("/admin/experts")
    assert "teacher@example.cn" in listing.text and "教师资格证.pdf" in listing.text
    user_id = _user_id(app, "teacher@example.cn")
    decided = admin.post(
        f"/admin/experts/{user_id}/decision",
        data={"domain": "教育", "decision": "approve", "reason": "证书真实"},
        follow_redirects=True,
    )
    assert decided.status_code == 200 and 'id="no-applicants"' in decided.text
    assert 'id="awaiting-verification"' not in client.get("/").text
    assert "证书真实" in client.get("/account/verification").text


def test_experts_an_admin_creates_are_verified_for_the_domains_given(
    app: Any, world: World
) -> None:
    vendor = world.vendor_api()
    medical = _project(world, vendor, ["医疗"], ["病历。"])
    teaching = _project(world, vendor, ["教育"], ["教案。"])
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli-expert@example.cn",
            "--password",
            PASSWORD,
            "--role",
            "expert",
            "--domains",
            "医疗,法律",
        ]
    )
    assert result.exit_code == 0, result.output
    cli_expert = world.api("cli-expert@example.cn")
    assert cli_expert.post(f"/api/v1/projects/{medical}/claim").status_code == 200
    assert cli_expert.post(f"/api/v1/projects/{teaching}/claim").status_code == 404
    bad = runner.invoke(
        args=["users", "create", "--email", "x@example.cn", "--password", PASSWORD]
        + ["--role", "expert", "--domains", "占卜"]
    )
    assert bad.exit_code != 0
    admin = app.test_client()
    login(admin, world.user("admin"))
    created = admin.post(
        "/admin/users/experts",
        data={"name": "李老师", "email": "web-expert@example.cn", "domains": ["教育"]},
    )
    assert created.status_code == 200, created.text
    found = re.search(r'id="new-password".*?<code>([^<]+)</code>', created.text, re.S)
    assert found is not None
    web_expert = world.api("web-expert@example.cn")
    assert web_expert.post(f"/api/v1/projects/{teaching}/claim").status_code == 200
    none_ticked = admin.post(
        "/admin/users/experts", data={"name": "无", "email": "none@example.cn"}
    )
    assert none_ticked.status_code == 422
