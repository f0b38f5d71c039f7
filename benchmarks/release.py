"""Release benchmark: upload → analysis → review of the sample → approval → publishing.

    .venv/bin/python benchmarks/release.py --count 100000
    .venv/bin/python benchmarks/release.py --documents FILE.jsonl --out DIR

Builds the stack on 127.0.0.1 as ``benchmarks/claim_submit.py`` does (a fresh SQLite database
migrated with ``flask db upgrade``, its own ``weed mini``, one Huey consumer, gunicorn), makes a
publisher and two auditors, uploads a JSONL corpus (``--documents``, field ``text``; or
``--count`` generated public-notice documents of about 500 characters, a few with names and
phone numbers), and drives the release through the API with the default policy: the
reviewer accepts every finding of every sampled document, adds every residual finding, the
second auditor approves, the publisher publishes. ``--out DIR`` receives the published files
(JSONL, CSV, one text per document, manifest.json, manifest.sig) so anyone can check what a
release leaks. The last stdout line is one JSON object: documents, chars, docs_per_s (from
the start of the upload until the release is published), peak_rss_mb (the largest resident
set of any one app process: gunicorn's, the consumer and its analysis workers, sampled every
0.2 s; peak_total_rss_mb: the largest sum of their proportional set sizes at one sample,
all of the app's memory at once; peak_rss_by_process_mb: the peak of web, consumer,
analysis_workers and s3; peak_rss_phase and peak_rss_by_phase_mb: when it was reached),
catalog_reads (bytes and seconds of the catalog's and the manifest's answers), and the
time of each phase, and the CPU seconds the app's processes used (``app_cpu_s``, and per
phase ``app_cpu_phases_s``; the machine is shared, so wall time alone says little).
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import stack as stack_tools  # noqa: E402 - the benchmarks' shared set-up (benchmarks/stack)
from rss_sampler import RssSampler  # noqa: E402 - benchmarks/rss_sampler.py

PASSWORD = stack_tools.PASSWORD
POLL_S = 0.5
TIMEOUT_S = 6 * 3600.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
SUBJECTS = ["户籍办理", "医保报销", "企业开办", "公积金提取", "不动产登记", "社保转移"]


def log(message: str) -> None:
    stack_tools.log(message)


def write_documents(path: Path, count: int) -> None:
    """``count`` JSONL documents of about 500 characters; one in five names a person with a
    phone number, as a letter on a public matter would."""
    rng = random.Random(11)
    with open(path, "w", encoding="utf-8") as out:
        for number in range(count):
            subject = SUBJECTS[number % len(SUBJECTS)]
            parts = [f"关于{subject}有关事项的通知（第{number + 1}号）。"]
            if number % 5 == 0:
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
                parts.append(
                    f"来信人{name}，联系电话139{rng.randrange(10**8):08d}，反映{subject}问题。"
                )
            while sum(map(len, parts)) < 480:
                parts.append(
                    f"各县区有关部门要按照{subject}工作要求，优化办理流程，"
                    f"在{rng.randrange(3, 30)}个工作日内完成办理并公开结果。"
                )
            out.write(json.dumps({"text": "".join(parts)}, ensure_ascii=False) + "\n")


def make_people(app: Any) -> dict[str, str]:
    """A publisher (with its organization) and two auditors, each with an API token."""
    from app.accounts.organizations import create_organization
    from app.accounts.services import create_user, issue_api_token

    body = f"11340100{secrets.randbelow(10**9):09d}"
    tokens = {}
    with app.app_context():
        org = create_organization(
            "合肥市档案馆", body + stack_tools.uscc_check(body), "合肥", None, "publisher", "档案局"
        )
        for role, email in (
            ("publisher", "publisher@bench.cn"),
            ("auditor", "reviewer@bench.cn"),
            ("auditor", "approver@bench.cn"),
        ):
            create_user(
                email,
                PASSWORD,
                role,
                name=email.split("@")[0],
                organization_id=org.id if role == "publisher" else None,
            )
            tokens[email.split("@")[0]] = issue_api_token(email)
    return tokens


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, its live descendants and the descendants it
    has already waited for (the analysis workers end with their job)."""
    tick, total, pending = os.sysconf("SC_CLK_TCK"), 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15]) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def call(
    client: Any, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200,)
) -> Any:
    status, data, _ = client.request(method, path, body)
    if status not in expect:
        raise RuntimeError(f"{method} {path} answered {status}: {data[:300]!r}")
    return json.loads(data) if data else None


def wait_state(client: Any, release_id: int, states: set[str]) -> dict[str, Any]:
    deadline, last = time.monotonic() + TIMEOUT_S, -1
    while time.monotonic() < deadline:
        release = call(client, "GET", f"/api/v1/releases/{release_id}")
        if release["state"] in states and not release.get("publishing"):
            return dict(release)
        if release["analysed"] // 1000 != last:
            last = release["analysed"] // 1000
            log(f"  {release['state']}: {release['analysed']}/{release['documents']} analysed")
        time.sleep(POLL_S)
    raise RuntimeError(f"release {release_id} never reached {states}")


def review_sample(reviewer: Any, release_id: int, residual: bool = False) -> int:
    """Accept every finding of every sampled document (``residual``: add every residual
    finding of the flagged documents); returns the documents saved."""
    query = "residual=1" if residual else "page=1"
    saved = 0
    while True:
        page = call(reviewer, "GET", f"/api/v1/releases/{release_id}/sample?{query}")
        waiting = [d for d in page["documents"] if residual or not d["reviewed"]]
        if not waiting or (residual and saved):
            return saved
        for entry in waiting:
            doc = call(reviewer, "GET", f"/api/v1/releases/{release_id}/documents/{entry['id']}")
            decisions = [
                {
                    **{k: f[k] for k in ("start", "end", "entity_type")},
                    "decision": "add" if residual else "accept",
                }
                for f in (doc["residual_findings"] if residual else doc["findings"])
            ]
            call(
                reviewer,
                "POST",
                f"/api/v1/releases/{release_id}/documents/{entry['id']}/decisions",
                {"decisions": decisions, "done": not residual},
            )
            saved += 1


def copy_out(app: Any, release: dict[str, Any], out: Path) -> None:
    """Every published object of the release into ``out`` (as an operator would fetch it)."""
    from app.storage import object_store

    with app.app_context():
        store = object_store()
        paths = [f["path"] for f in release["manifest"]["files"]]
        for path in [*paths, "manifest.json", "manifest.sig"]:
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                for chunk in store.iter_chunks(f"releases/{release['id']}/{path}"):
                    handle.write(chunk)


def read_catalog(client: Any, release_id: int) -> dict[str, Any]:
    """What reading the published release costs a visitor: the bytes and seconds of the
    catalog API's answer and of the signed manifest's."""
    reads: dict[str, Any] = {}
    for name, path in (
        ("catalog", "/api/v1/catalog"),
        ("manifest", f"/api/v1/releases/{release_id}/manifest"),
    ):
        started = time.perf_counter()
        status, data, _ = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {data[:300]!r}")
        reads[f"{name}_bytes"] = len(data)
        reads[f"{name}_s"] = round(time.perf_counter() - started, 3)
    return reads


def drive(
    app: Any,
    port: int,
    tokens: dict[str, str],
    corpus_file: Path,
    out: Path | None,
    sampler: RssSampler,
) -> dict[str, Any]:
    """The release flow through the API; returns the timings, and the app's CPU seconds
    (the sampler's processes and their children) at the end of each phase."""
    Client, pids = stack_tools.Client, sampler.pids
    publisher = Client(port, tokens["publisher"], timeout=stack_tools.SETUP_TIMEOUT)
    reviewer, approver = Client(port, tokens["reviewer"]), Client(port, tokens["approver"])
    cpu = {"start": sum(tree_cpu_seconds(pid) for pid in pids)}
    started, sampler.phase = time.perf_counter(), "import"
    corpus_id, imported = stack_tools.import_corpus(publisher, corpus_file)
    cpu["imported"] = sum(tree_cpu_seconds(pid) for pid in pids)
    release = call(
        publisher,
        "POST",
        "/api/v1/releases",
        {"corpus_id": corpus_id, "title": "基准发布", "licence": "CC BY 4.0"},
        expect=(201,),
    )
    release_id = release["id"]
    marks: dict[str, Any] = {"import_s": imported["import_s"]}
    sampler.phase = "analysis"
    call(publisher, "POST", f"/api/v1/releases/{release_id}/analyse", expect=(202,))
    release = wait_state(publisher, release_id, {"in_review", "failed"})
    marks["analysed_s"] = time.perf_counter() - started
    cpu["analysed"] = sum(tree_cpu_seconds(pid) for pid in pids)
    if release["state"] == "failed":
        raise RuntimeError(f"analysis failed: {release['failures'][:3]}")
    sampler.phase = "review"
    reviewed = review_sample(reviewer, release_id)
    log(f"reviewed {reviewed} sampled documents")
    status, data, _ = approver.request("POST", f"/api/v1/releases/{release_id}/approve")
    if status == 409 and b"release.residual_findings" in data:
        log(f"resolving residual findings in {review_sample(reviewer, release_id, True)} documents")
        status, data, _ = approver.request("POST", f"/api/v1/releases/{release_id}/approve")
    if status != 200:
        raise RuntimeError(f"approve answered {status}: {data[:300]!r}")
    marks["approved_s"] = time.perf_counter() - started
    cpu["approved"] = sum(tree_cpu_seconds(pid) for pid in pids)
    sampler.phase = "publish"
    call(publisher, "POST", f"/api/v1/releases/{release_id}/publish", expect=(202,))
    release = wait_state(publisher, release_id, {"published", "approved"})
    if release["state"] != "published":
        raise RuntimeError(f"publishing failed: {release.get('publish_error')}")
    marks["published_s"] = time.perf_counter() - started
    cpu["published"] = sum(tree_cpu_seconds(pid) for pid in pids)
    sampler.phase = "catalog"
    marks["catalog_reads"] = read_catalog(publisher, release_id)
    if out is not None:
        signed = call(publisher, "GET", f"/api/v1/releases/{release_id}/manifest")
        copy_out(app, {"id": release_id, "manifest": signed["manifest"]}, out)
        log(f"published files written to {out}")
    phases = list(cpu)
    marks["cpu"] = {b: round(cpu[b] - cpu[a], 1) for a, b in zip(phases, phases[1:], strict=False)}
    return {"release": release, "reviewed": reviewed, **marks}


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="wanbiao-release-bench-"))
    var = tmp / "var"
    var.mkdir()
    os.environ.update(
        {
            "WANBIAO_VAR_DIR": str(var),
            "WANBIAO_HUEY_URL": f"sqlite:///{var / 'huey.db'}",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "WANBIAO_SECRET_KEY": secrets.token_urlsafe(48),
            "WANBIAO_S3_ACCESS_KEY": stack_tools.S3_ACCESS,
            "WANBIAO_S3_SECRET_KEY": stack_tools.S3_SECRET,
            "WANBIAO_S3_BUCKET": "wanbiao-bench",
        }
    )
    stack = stack_tools.Stack(tmp)
    try:
        stack_args = argparse.Namespace(
            db="sqlite", workers=args.workers, threads=1, worker_class="sync"
        )
        app, port, gunicorn_pid = stack_tools.start_stack(stack_args, stack)
        tokens = make_people(app)
        corpus_file = Path(args.documents) if args.documents else tmp / "documents.jsonl"
        if not args.documents:
            write_documents(corpus_file, args.count)
        stack_tools.start_consumer(stack)
        roles = {"web": gunicorn_pid, "consumer": stack.procs[-1].pid}
        sampler = RssSampler({**roles, "s3": stack.weed.process.pid})
        sampler.start()
        out = Path(args.out) if args.out else None
        result = drive(app, port, tokens, corpus_file, out, sampler)
        sampler.done.set()
        sampler.join()
        release = result["release"]
        cpu = sum(tree_cpu_seconds(pid) for pid in sampler.pids)
        return {
            "documents": release["documents"],
            "chars": release["characters"],
            "docs_per_s": round(release["documents"] / result["published_s"], 1),
            "peak_rss_mb": sampler.peak_mb,
            "peak_total_rss_mb": sampler.peak_total_mb,
            # The largest resident set of each kind of process (web: gunicorn's master and
            # workers; s3: the object store, not counted in peak_rss_mb), and of each phase.
            "peak_rss_by_process_mb": sampler.by_role_mb,
            "peak_rss_phase": sampler.peak_phase,
            "peak_rss_by_phase_mb": sampler.by_phase_mb,
            "catalog_reads": result["catalog_reads"],
            # The app's CPU seconds (gunicorn and the consumer with its workers): on a
            # shared machine, the part of the wall time that was this benchmark's own work.
            "app_cpu_s": round(cpu, 1),
            "docs_per_app_cpu_s": round(release["documents"] / max(cpu, 0.1), 1),
            # The app's CPU seconds in each phase: the upload and ingestion (imported), the
            # analysis (analysed), the review and approval (approved), publishing.
            "app_cpu_phases_s": result["cpu"],
            "reviewed": result["reviewed"],
            "import_s": round(result["import_s"], 1),
            "analysed_s": round(result["analysed_s"], 1),
            "approved_s": round(result["approved_s"], 1),
            "published_s": round(result["published_s"], 1),
            "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        }
    finally:
        stack.stop()
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        default=100_000,
        help="documents to generate (ignored with --documents)",
    )
    parser.add_argument("--documents", help="a JSONL file of documents (field text)")
    parser.add_argument("--out", help="directory that receives the published files")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temp dir and logs")
    args = parser.parse_args()
    if not 1 <= args.count <= 5_000_000 or not 1 <= args.workers <= 64:
        parser.error("--count must be 1..5,000,000 and --workers 1..64")
    if args.out and Path(args.out).exists() and any(Path(args.out).iterdir()):
        parser.error("--out must be a new or empty directory")
    print(json.dumps(run(args), ensure_ascii=False))


if __name__ == "__main__":
    main()
