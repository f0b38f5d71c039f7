"""Image corpora: good archives become image items; hostile archives and fake images are
refused whole, leaving no item and no stored object; bbox answers use original pixels."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from PIL import Image

from tests.app.builders import World
from tests.app.corpora.image_files import archive, huge_png, jpeg, objects, png, upload


def test_a_zip_of_images_becomes_image_items(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    corpus = upload(
        vendor, archive([("a/1.png", png()), ("2.jpg", jpeg()), ("copy.png", png())]), "photos.zip"
    )
    assert (corpus["status"], corpus["item_count"], corpus["duplicate_count"]) == ("ready", 2, 1)
    assert any("/previews/" in key for key in objects(app))


@pytest.mark.parametrize(
    ("members", "symlink", "code"),
    [
        ([("../../app/config.py", png())], None, "unsafe_member"),
        ([("/etc/x.png", png())], None, "unsafe_member"),
        ([("ok.png", png())], "link.png", "symlink_member"),
        ([("inner.zip", b"PK\x03\x04rest")], None, "nested_archive"),
        ([("bomb.png", b"\x00" * (20 * 1024 * 1024))], None, "compression_ratio"),
    ],
)
def test_hostile_archives_are_refused_whole(
    app: Any, world: World, members: Any, symlink: str | None, code: str
) -> None:
    vendor = world.vendor_api()
    before = objects(app)
    corpus = upload(vendor, archive([("good.png", png())] + members, symlink), "evil.zip")
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    assert code in [error["code"] for error in corpus["errors"]]
    assert all(error["message"] for error in corpus["errors"])
    assert {k for k in objects(app) - before if "/raw/" not in k} == set()


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (archive([("huge.png", huge_png())]), "huge.zip", "image_too_many_pixels"),
        (jpeg()[:-40], "cut.jpg", "not_an_image"),  # header whole: the full load fails
    ],
)
def test_bad_images_are_refused(world: World, data: bytes, name: str, code: str) -> None:
    vendor = world.vendor_api()
    corpus = upload(vendor, data, name)
    assert corpus["status"] == "failed"
    assert [error["code"] for error in corpus["errors"]] == [code]


def test_a_tiff_renamed_png_is_refused_at_upload(world: World) -> None:
    vendor = world.vendor_api()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "TIFF")
    response = vendor.upload(buffer.getvalue(), "scan.png")
    assert response.status_code == 422 and response.json["error"]["message"]


def test_bbox_project_claims_images_and_takes_boxes_in_original_pixels(
    app: Any, world: World
) -> None:
    org = world.org()
    vendor = world.api(world.user("vendor", org))
    corpus = upload(vendor, png(3200, 1600), "street.png")
    text_corpus = world.ready_corpus(vendor, ["文字。"])
    wrong = vendor.post(
        "/api/v1/projects",
        {"name": "框", "corpus_id": text_corpus, "type": "bbox", "labels": ["车"], "overlap": 1},
    )
    assert wrong.status_code == 422
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "框",
            "corpus_id": corpus["id"],
            "type": "bbox",
            "labels": ["车", "人"],
            "overlap": 1,
        },
    ).json["id"]
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    image = claim["item"]["image"]
    assert (image["width"], image["height"]) == (3200, 1600)
    preview = expert.get(image["preview_url"])
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(preview.data)).size == (1600, 800)
    assert expert.get(image["url"]).mimetype == "image/png"
    stranger = world.api(world.user("expert"))
    assert stranger.get(image["url"]).status_code == 404
    outside = expert.post(
        f"/api/v1/tasks/{claim['task_id']}/annotations",
        {"result": {"boxes": [[3000, 10, 400, 10, "车"]]}, "client_uuid": str(uuid.uuid4())},
    )
    assert outside.status_code == 422
    inside = expert.post(
        f"/api/v1/tasks/{claim['task_id']}/annotations",
        {"result": {"boxes": [[2000, 100, 800, 400, "车"]]}, "client_uuid": str(uuid.uuid4())},
    )
    assert inside.status_code == 201
