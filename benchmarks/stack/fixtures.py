"""What a benchmark works on: an organization, a vendor and experts with tokens, a JSONL
corpus uploaded and ingested, and a classify project over it."""

from __future__ import annotations

import json
import random
import secrets
import time
from pathlib import Path
from typing import Any

from .client import SETUP_TIMEOUT, Client
from .report import log

OVERLAP = 2
LABELS = ["政务服务", "民生保障", "产业发展", "其他"]
PASSWORD = "bench-password-0123"


def write_corpus(path: Path, n: int) -> None:
    subjects = [
        "户籍办理",
        "医保报销",
        "企业开办",
        "公积金提取",
        "不动产登记",
        "社保转移",
        "营业执照",
        "出入境证件",
        "道路运输许可",
        "中小学招生",
    ]
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            subject = subjects[i % len(subjects)]
            text = (
                f"第{i + 1}条：市民咨询{subject}事项，窗口编号{rng.randrange(1, 99)}，"
                f"要求在{rng.randrange(1, 30)}个工作日内答复。"
            )
            out.write(json.dumps({"text": text}, ensure_ascii=False))
            out.write("\n")


def uscc_check(first17: str) -> str:
    """Check character of a 统一社会信用代码 (GB 32100-2015, MOD 31)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(alphabet.index(ch) * w for ch, w in zip(first17, weights, strict=True))
    return alphabet[(31 - total % 31) % 31]


def make_accounts(app: Any, experts: int) -> tuple[str, list[str]]:
    """An organization, a vendor and ``experts`` experts, each with a token."""
    from app.accounts.organizations import create_organization
    from app.accounts.services import create_user, issue_api_token

    body = f"91340100{secrets.randbelow(10**9):09d}"
    with app.app_context():
        org = create_organization("基准测试数据公司", body + uscc_check(body), "合肥", None)
        create_user("vendor@bench.cn", PASSWORD, "vendor", name="vendor", organization_id=org.id)
        vendor = issue_api_token("vendor@bench.cn")
        tokens = []
        for i in range(experts):
            email = f"expert{i}@bench.cn"
            create_user(email, PASSWORD, "expert", name=f"专家{i}", domains=["政务"])
            tokens.append(issue_api_token(email))
            if (i + 1) % 50 == 0:
                log(f"  {i + 1}/{experts} experts")
    return vendor, tokens


def import_corpus(vendor: Client, corpus_file: Path) -> tuple[int, dict[str, float]]:
    """Upload, wait until ready: (corpus id, timings)."""
    started = time.perf_counter()
    status, data = vendor.upload("/api/v1/corpora", corpus_file, "基准语料")
    if status != 201:
        raise RuntimeError(f"upload answered {status}: {data[:300]!r}")
    upload_s = time.perf_counter() - started
    corpus_id = int(json.loads(data)["id"])
    log(f"uploaded in {upload_s:.2f} s; waiting for ingestion")
    corpus: dict[str, Any] = {}
    deadline = time.monotonic() + SETUP_TIMEOUT
    while time.monotonic() < deadline:
        status, data, _ = vendor.request("GET", f"/api/v1/corpora/{corpus_id}")
        corpus = json.loads(data)
        if corpus.get("status") != "processing":
            break
        time.sleep(0.1)
    import_s = time.perf_counter() - started
    if corpus.get("status") != "ready":
        raise RuntimeError(f"corpus did not become ready: {corpus}")
    items = int(corpus["item_count"])
    log(f"{items} items ready in {import_s:.2f} s ({items / import_s:,.0f} items/s)")
    return corpus_id, {"items": items, "upload_s": upload_s, "import_s": import_s}


def create_project(vendor: Client, corpus_id: int) -> tuple[int, float]:
    started = time.perf_counter()
    status, data, _ = vendor.request(
        "POST",
        "/api/v1/projects",
        {
            "name": "基准分类",
            "corpus_id": corpus_id,
            "type": "classify",
            "labels": LABELS,
            "overlap": OVERLAP,
            "instructions": "选择最合适的类别",
        },
    )
    project_s = time.perf_counter() - started
    if status != 201:
        raise RuntimeError(f"project creation answered {status}: {data[:300]!r}")
    project_id = int(json.loads(data)["id"])
    log(f"project {project_id} created in {project_s:.2f} s")
    return project_id, project_s
