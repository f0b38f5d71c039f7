"""Pictures are decoded within a memory budget (issue 14, "a 143 KB PNG just under the pixel
cap cost +450 MB"): the header is read in the upload request and a picture whose decoded size
(width × height × bands × bytes per sample) is over ``IMAGE_DECODE_BUDGET`` is refused with a
422 before anything is stored; a JPEG is decoded at the DCT scale of its preview, so a large
photo still fits."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from app.corpora.images import ImageOverBudget, check_image, decoded_size
from tests.app.builders import PASSWORD, World
from tests.app.corpora.image_files import archive, huge_png, jpeg, objects, png, upload, wide_png

MIB = 1024 * 1024


def _corpora(app: Any) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Corpus

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Corpus)) or 0


def test_the_decoded_size_counts_bands_and_bytes_per_sample() -> None:
    assert decoded_size(7000, 7000, "RGB") == 147_000_000
    assert decoded_size(100, 10, "RGBA") == 4000
    assert decoded_size(100, 10, "I;16") == 2000
    assert decoded_size(100, 10, "P") == 3000  # converted to RGB for the preview
    assert decoded_size(100, 10, "L") == 1000


def test_a_small_png_of_huge_dimensions_is_refused_before_201(app: Any, world: World) -> None:
    data = wide_png()
    assert len(data) < 150_000
    vendor = world.vendor_api()
    before = objects(app)
    refused = vendor.upload(data, "扫描件.png", name="扫描件")
    assert refused.status_code == 422, refused.json
    error = refused.json["error"]
    assert error["code"] == "image_over_budget"
    assert "7000 × 7000" in error["message"] and "141 MB" in error["message"]
    assert "64 MB" in error["message"] and "未保存" in error["message"]
    assert _corpora(app) == 0 and objects(app) == before
    too_many = vendor.upload(huge_png(), "huge.png")
    assert too_many.status_code == 422
    assert too_many.json["error"]["code"] == "image_too_many_pixels"
    assert _corpora(app) == 0 and objects(app) == before
    headless = vendor.upload(jpeg()[:200], "cut.jpg")  # cut inside its header
    assert headless.status_code == 422 and headless.json["error"]["code"] == "not_an_image"
    assert _corpora(app) == 0 and objects(app) == before


def test_the_refusal_speaks_english_to_an_english_page(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    refused = vendor.client.post(
        "/api/v1/corpora?lang=en",
        data={"file": (io.BytesIO(wide_png()), "scan.png"), "name": "scan"},
        headers={"Authorization": f"Bearer {vendor.token}"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "would take 141 MB of memory" in refused.json["error"]["message"]


def test_evidence_over_the_budget_is_refused(app: Any, world: World) -> None:
    registered = app.test_client().post(
        "/register",
        data={
            "name": "王医生",
            "email": "wang@example.cn",
            "mobile": "13912345678",
            "domains": ["医疗"],
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert registered.status_code == 302
    expert = world.api("wang@example.cn")
    refused = expert.client.post(
        "/api/v1/experts/me/evidence",
        data={
            "domain": "医疗",
            "kind": "certificate",
            "file": (io.BytesIO(wide_png()), "证书.png"),
        },
        headers={"Authorization": f"Bearer {expert.token}"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and refused.json["error"]["code"] == "image_over_budget"
    stored = expert.get("/api/v1/experts/me/verification").json["domains"][0]["evidence"]
    assert stored == []


def test_an_archive_member_over_the_budget_is_refused_undecoded(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    before = objects(app)
    corpus = upload(vendor, archive([("ok.png", png()), ("wide.png", wide_png())]), "图.zip")
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    assert [e["code"] for e in corpus["errors"]] == ["image_over_budget"]
    assert corpus["errors"][0]["message"]
    assert {k for k in objects(app) - before if "/raw/" not in k} == set()


def test_a_large_jpeg_is_decoded_at_its_preview_scale(app: Any) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3400), "green").save(buffer, "JPEG", quality=70)
    photo = buffer.getvalue()
    full = decoded_size(4000, 3400, "RGB")
    assert full > 16 * MIB  # over this budget at full size, under it at half scale
    checked = check_image("photo.jpg", photo, budget=16 * MIB)
    assert (checked.width, checked.height) == (4000, 3400)
    with Image.open(io.BytesIO(checked.preview)) as preview:
        assert max(preview.size) == 1600
    buffer = io.BytesIO()
    Image.new("RGB", (2500, 2500), "green").save(buffer, "PNG")
    try:
        check_image("flat.png", buffer.getvalue(), budget=16 * MIB)
    except ImageOverBudget as refused:
        assert (refused.width, refused.height, refused.decoded) == (2500, 2500, 18_750_000)
    else:
        raise AssertionError("a PNG over the budget was decoded")


def test_the_budget_is_a_setting(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    app.config["IMAGE_DECODE_BUDGET"] = MIB
    refused = vendor.upload(png(1000, 1000), "一百万像素.png")
    assert refused.status_code == 422 and refused.json["error"]["code"] == "image_over_budget"
    assert "1 MB" in refused.json["error"]["message"]
    app.config["IMAGE_DECODE_BUDGET"] = 4 * MIB
    assert upload(vendor, png(1000, 1000), "一百万像素.png")["status"] == "ready"
