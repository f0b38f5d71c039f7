"""Ledger API calls shared by the ledger tests: evidence upload, declarations, raw posts."""

from __future__ import annotations

import io
from typing import Any

from tests.app.builders import Api, valid_uscc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COUNTERPARTY = valid_uscc(900_001)


def post(
    api: Api, url: str, body: Any = None, key: str | None = None, raw: str | None = None
) -> Any:
    headers = {"Authorization": f"Bearer {api.token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    if raw is not None:
        return api.client.post(url, data=raw, headers=headers, content_type="application/json")
    return api.client.post(url, json=body, headers=headers)


def evidence(api: Api, content: bytes = PDF, name: str = "合同.pdf") -> Any:
    return api.client.post(
        "/api/v1/ledger/evidence",
        data={"file": (io.BytesIO(content), name)},
        headers={"Authorization": f"Bearer {api.token}"},
        content_type="multipart/form-data",
    )


def declaration(evidence_id: int, **change: Any) -> dict[str, Any]:
    body = {
        "counterparty_name": "合肥某人工智能有限公司",
        "counterparty_uscc": COUNTERPARTY,
        "kind": "labeling",
        "quantity": 12000,
        "unit": "条",
        "amount_fen": 1_250_000,
        "contract_date": "2026-03-01",
        "evidence": [evidence_id],
    }
    return body | change


def declare(api: Api, key: str, **change: Any) -> Any:
    proof_file = evidence(api)
    assert proof_file.status_code == 201, proof_file.json
    return post(api, "/api/v1/ledger/entries", declaration(proof_file.json["id"], **change), key)
