"""A table upload left waiting for its column mapping fails after ``MAPPING_EXPIRY_HOURS``
with a translated reason, and the hourly sweep deletes its stored file; a fresh one, and one
whose mapping was chosen, are left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.app.builders import Api, World, login
from tests.app.corpora.table_files import upload_table

CSV = "序号,句子\n1,甲句。\n2,乙句。\n".encode()


def _age(app: Any, corpus_id: int, hours: float) -> str:
    """Move the corpus's upload ``hours`` into the past; returns its storage prefix."""
    from app.database import database_now
    from app.extensions import db
    from app.models import Corpus

    with app.app_context():
        corpus = db.session.get(Corpus, corpus_id)
        assert corpus is not None
        corpus.created_at = database_now() - timedelta(hours=hours)
        db.session.commit()
        return corpus.object_key.rsplit("/raw/", 1)[0] + "/"


def _objects(app: Any, prefix: str) -> list[str]:
    from app.storage import object_store

    with app.app_context():
        store = object_store()
        listed = store.client.list_objects(store.bucket, prefix=prefix, recursive=True)
        return [o.object_name for o in listed]


def _email_of(app: Any, api: Api) -> str:
    from app.accounts.tokens import user_for_token

    with app.app_context():
        user = user_for_token(api.token)
        assert user is not None
        return str(user.email)


def _waiting(api: Any) -> int:
    response = upload_table(api, CSV, "句子.csv", wait=True)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "mapping"
    return int(response.json["id"])


def test_a_table_waiting_too_long_for_its_mapping_fails_and_its_file_goes(
    app: Any, world: World
) -> None:
    from app.jobs import sweep_uploads

    vendor = world.vendor_api()
    stale, fresh, mapped = _waiting(vendor), _waiting(vendor), _waiting(vendor)
    hours = float(app.config["MAPPING_EXPIRY_HOURS"])
    stale_prefix = _age(app, stale, hours + 1)
    fresh_prefix = _age(app, fresh, hours - 1)
    _age(app, mapped, hours + 1)
    chosen = vendor.post(f"/api/v1/corpora/{mapped}/mapping", {"text": "句子"})
    assert chosen.status_code == 200, chosen.json
    assert _objects(app, stale_prefix) and _objects(app, fresh_prefix)

    with app.app_context():
        sweep_uploads.call_local()

    expired = vendor.get(f"/api/v1/corpora/{stale}").json
    assert expired["status"] == "failed"
    assert [e["code"] for e in expired["errors"]] == ["mapping_expired"]
    assert not _objects(app, stale_prefix)
    assert vendor.get(f"/api/v1/corpora/{fresh}").json["status"] == "mapping"
    assert _objects(app, fresh_prefix)
    assert vendor.get(f"/api/v1/corpora/{mapped}").json["status"] == "ready"
    late = vendor.post(f"/api/v1/corpora/{stale}/mapping", {"text": "句子"})
    assert late.status_code == 422 and late.json["error"]["code"] == "not_mapping"

    browser = app.test_client()
    login(browser, _email_of(app, vendor))
    page = browser.get(f"/corpora/{stale}?lang=zh_CN").text
    assert "未能及时选择列映射" in page


def test_the_expiry_is_configurable(app: Any, world: World) -> None:
    from app.corpora.mapping_expiry import expire_waiting_mappings

    vendor = world.vendor_api()
    corpus = _waiting(vendor)
    _age(app, corpus, 2)
    with app.app_context():
        assert expire_waiting_mappings(timedelta(hours=3)) == 0
        assert expire_waiting_mappings(timedelta(hours=1)) == 1
        assert expire_waiting_mappings(timedelta(hours=1)) == 0  # once, not again
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["status"] == "failed"
