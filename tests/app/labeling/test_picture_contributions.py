"""Picture contributions: an expert holding a collection slot of an image corpus uploads a
PNG or JPEG, submits its reference, and the picture becomes, once accepted, an image item a
box project can use. Hostile files, other experts' uploads, wrong checksums and duplicates
are refused with a translated message, leaving nothing behind."""

from __future__ import annotations

import hashlib
import io
import uuid
from typing import Any

import pytest
from PIL import Image

from tests.app.builders import Api, World, export_lines
from tests.app.corpora.image_files import huge_png, jpeg, objects, png, upload, wide_png
from tests.app.review.collected import accept_all

PROMPT = "请拍一张你所在街道的照片（不要拍到人脸）。"


def picture_project(world: World, vendor: Api, contributions: int = 3) -> tuple[int, int]:
    """A collect project over an image corpus; returns (project id, corpus id)."""
    corpus = upload(vendor, png(40, 30, "green"), "seed.png")
    assert corpus["status"] == "ready"
    created = vendor.post(
        "/api/v1/projects",
        {
            "name": "街景征集",
            "corpus_id": corpus["id"],
            "type": "collect",
            "overlap": 1,
            "prompt": PROMPT,
            "contributions": contributions,
        },
    )
    assert created.status_code == 201, created.json
    return created.json["id"], corpus["id"]


def send_picture(
    expert: Api,
    task_id: int,
    data: bytes,
    name: str = "street.png",
    content_type: str = "image/png",
) -> Any:
    return expert.client.post(
        f"/api/v1/tasks/{task_id}/uploads",
        headers=expert._headers(),
        data={"file": (io.BytesIO(data), name, content_type)},
        content_type="multipart/form-data",
    )


def submit(expert: Api, task_id: int, result: Any, client_uuid: str | None = None) -> Any:
    return expert.post(
        f"/api/v1/tasks/{task_id}/annotations",
        {"result": result, "client_uuid": client_uuid or str(uuid.uuid4())},
    )


def reference(uploaded: dict[str, Any]) -> dict[str, Any]:
    return {"object": {k: uploaded[k] for k in ("key", "sha256", "content_type")}}


def upload_rows(app: Any) -> list[tuple[str, int | None]]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import ContributionUpload

    with app.app_context():
        rows = db.session.execute(
            select(ContributionUpload.object_key, ContributionUpload.item_id)
        ).all()
        return [(key, item) for key, item in rows]


def test_an_uploaded_picture_becomes_an_image_item_a_box_project_can_use(any_db_app: Any) -> None:
    world = World(any_db_app)
    vendor = world.vendor_api()
    project, corpus = picture_project(world, vendor)
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    assert claim["item"]["text"] == PROMPT
    picture = png(320, 200, "orange")
    stored = send_picture(
        expert, claim["task_id"], picture, "../../etc/cron.d/街道.png", "application/octet-stream"
    )
    assert stored.status_code == 201, stored.json
    assert stored.json["sha256"] == hashlib.sha256(picture).hexdigest()
    assert (stored.json["content_type"], stored.json["width"], stored.json["height"]) == (
        "image/png",
        320,
        200,
    )
    assert "etc" not in stored.json["key"] and stored.json["key"].endswith(".png")
    first = submit(expert, claim["task_id"], reference(stored.json), key := str(uuid.uuid4()))
    assert first.status_code == 201
    assert (
        submit(expert, claim["task_id"], reference(stored.json), key).json["id"] == first.json["id"]
    ), "a retried submit stores one answer"
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 1, "pending review"
    accept_all(vendor, project)
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 2
    item_id = next(
        t["item_id"]
        for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
        if t["item_id"]
    )
    original = vendor.get(f"/api/v1/items/{item_id}/image")
    assert original.status_code == 200 and original.data == picture
    assert expert.get(f"/api/v1/items/{item_id}/image?size=preview").status_code == 200
    boxes = vendor.post(
        "/api/v1/projects",
        {"name": "框", "corpus_id": corpus, "type": "bbox", "labels": ["路灯"], "overlap": 1},
    )
    assert boxes.status_code == 201, boxes.json
    sizes = set()
    for _ in range(2):
        box_claim = expert.post(f"/api/v1/projects/{boxes.json['id']}/claim").json
        sizes.add((box_claim["item"]["image"]["width"], box_claim["item"]["image"]["height"]))
        assert (
            expert.post(
                f"/api/v1/tasks/{box_claim['task_id']}/skip", {"reason": "unclear"}
            ).status_code
            == 204
        )
    assert sizes == {(40, 30), (320, 200)}


def test_the_export_names_each_collected_pictures_object_key(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = picture_project(world, vendor)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    stored = send_picture(expert, task, jpeg(90, 70)).json
    assert submit(expert, task, reference(stored)).status_code == 201
    accept_all(vendor, project)
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    lines = export_lines(vendor, url)
    assert [line["object_key"] for line in lines] == [stored["key"]]
    assert lines[0]["answers"][0]["result"]["object"]["sha256"] == stored["sha256"]


def tiff() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "TIFF")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (huge_png(), "huge.png", 422, "image_too_many_pixels"),
        (wide_png(), "wide.png", 422, "image_over_budget"),
        (jpeg()[:300], "cut.jpg", 422, "not_an_image"),
        (png()[:-20], "cut.png", 422, "not_an_image"),
        (tiff(), "scan.png", 422, "not_an_image"),
        (gif(), "anim.jpg", 422, "not_an_image"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "x.png",
            422,
            "not_an_image",
        ),
        (b"", "empty.png", 422, "empty_file"),
    ],
)
def test_hostile_pictures_are_refused_and_nothing_is_stored(
    app: Any, world: World, data: bytes, name: str, status: int, code: str
) -> None:
    vendor = world.vendor_api()
    project, corpus = picture_project(world, vendor)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    before = objects(app)
    refused = send_picture(expert, task, data, name, "image/png")
    assert (refused.status_code, refused.json["error"]["code"]) == (status, code)
    assert refused.json["error"]["message"]
    assert objects(app) == before and upload_rows(app) == []
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 1


def test_refusals_speak_the_callers_language(world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = picture_project(world, vendor)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    response = expert.client.post(
        f"/api/v1/tasks/{task}/uploads",
        data={"file": (io.BytesIO(tiff()), "a.png")},
        headers={**expert._headers(), "Accept-Language": "zh-CN"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "PNG 或 JPEG" in response.json["error"]["message"]


def test_uploads_need_the_callers_live_lease(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = picture_project(world, vendor)
    holder, other = (world.api(world.user("expert")) for _ in range(2))
    task = holder.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    before = objects(app)
    assert send_picture(other, task, png()).status_code == 404, "another expert's lease"
    assert send_picture(holder, task + 1, png()).status_code == 404, "a slot never claimed"
    stranger_vendor = world.vendor_api()
    assert send_picture(stranger_vendor, task, png()).status_code == 404
    assert objects(app) == before and upload_rows(app) == []
    stored = send_picture(holder, task, png(10, 10)).json
    assert submit(holder, task, reference(stored)).status_code == 201
    late = send_picture(holder, task, png(12, 12))
    assert late.status_code == 409 and late.json["error"]["message"]


def test_only_the_uploaders_matching_picture_can_be_submitted(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project, corpus = picture_project(world, vendor)
    first, second = (world.api(world.user("expert")) for _ in range(2))
    task_a = first.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    task_b = second.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    theirs = send_picture(second, task_b, png(30, 30, "yellow")).json
    stolen = submit(first, task_a, reference(theirs))
    assert stolen.status_code == 422 and stolen.json["error"]["code"] == "unknown_upload"
    mine = send_picture(first, task_a, png(31, 31, "purple")).json
    wrong_sha = reference(mine)
    wrong_sha["object"]["sha256"] = hashlib.sha256(b"something else").hexdigest()
    refused = submit(first, task_a, wrong_sha)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "upload_mismatch"
    wrong_type = reference(mine)
    wrong_type["object"]["content_type"] = "image/jpeg"
    assert submit(first, task_a, wrong_type).json["error"]["code"] == "upload_mismatch"
    made_up = {
        "object": {
            "key": "corpora/1/x/contributions/y.png",
            "sha256": mine["sha256"],
            "content_type": "image/png",
        }
    }
    assert submit(first, task_a, made_up).json["error"]["code"] == "unknown_upload"
    text = submit(first, task_a, {"text": "一段文字"})
    assert text.status_code == 422 and text.json["error"]["code"] == "collect_picture_only"
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 1
    assert submit(first, task_a, reference(mine)).status_code == 201, "the lease survived"


def test_a_picture_already_in_the_corpus_is_a_conflict(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project, corpus = picture_project(world, vendor)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    seed = send_picture(expert, task, png(40, 30, "green")).json  # the corpus's own picture
    duplicate = submit(expert, task, reference(seed))
    assert duplicate.status_code == 409 and duplicate.json["error"]["message"]
    fresh = send_picture(expert, task, png(50, 50, "navy")).json
    assert submit(expert, task, reference(fresh)).status_code == 201
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    again = send_picture(expert, task, png(50, 50, "navy")).json
    waiting = submit(expert, task, reference(again))
    assert waiting.status_code == 409 and "等待审核" in waiting.json["error"]["message"]
    accept_all(vendor, project)
    assert submit(expert, task, reference(again)).status_code == 409
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 2


def test_text_projects_take_no_pictures(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, ["已有的一条。"])
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "文本征集",
            "corpus_id": corpus,
            "type": "collect",
            "overlap": 1,
            "prompt": "写一句话。",
            "contributions": 1,
        },
    ).json["id"]
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    before = objects(app)
    refused = send_picture(expert, task, png())
    assert refused.status_code == 422 and refused.json["error"]["code"] == "collect_text_only"
    assert objects(app) == before


def test_uploads_never_submitted_are_swept(app: Any, world: World) -> None:
    from datetime import timedelta

    from app.labeling.uploads import sweep_orphan_uploads
    from app.storage import object_store

    vendor = world.vendor_api()
    project, _corpus = picture_project(world, vendor)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    abandoned = send_picture(expert, task, png(21, 21, "red")).json
    used = send_picture(expert, task, png(22, 22, "blue")).json
    assert submit(expert, task, reference(used)).status_code == 201
    with app.app_context():
        assert sweep_orphan_uploads(object_store()) == 0, "young uploads are kept"
        assert sweep_orphan_uploads(object_store(), timedelta(0)) == 1
    keys = objects(app)
    assert abandoned["key"] not in keys and used["key"] in keys
    assert [key for key, _item in upload_rows(app)] == [used["key"]]


def test_a_picture_counts_only_for_the_lease_it_was_uploaded_under(app: Any, world: World) -> None:
    from sqlalchemy import select

    from app.exceptions import Invalid
    from app.extensions import db
    from app.labeling.contributions import contribute
    from app.models import Assignment, Project, Task

    vendor = world.vendor_api()
    project, corpus = picture_project(world, vendor)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    stored = send_picture(expert, task, png(15, 15, "orange")).json
    items = vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"]
    with app.app_context():
        lease = db.session.scalar(select(Assignment).where(Assignment.task_id == task))
        assert lease is not None
        lease.status = "submitted"  # even once the uploader's lease is spent,
        db.session.flush()
        with pytest.raises(Invalid) as refused:  # another lease on the task may not use it
            contribute(
                db.session.get(Project, project),
                db.session.get(Task, task),
                reference(stored),
                lease.id + 1,
                lease.annotator_id,
            )
        assert refused.value.code == "unknown_upload"
        db.session.rollback()
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == items
    assert submit(expert, task, reference(stored)).status_code == 201
    accept_all(vendor, project)
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == items + 1
