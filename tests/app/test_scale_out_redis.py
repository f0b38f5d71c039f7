"""Scale-out as deployed: two app processes (real gunicorn) and two real Huey consumers on
PostgreSQL, sharing one real redis-server (``WANBIAO_HUEY_URL=redis://…``; the rate limits
follow it to Redis by default).

Experts label across both app processes (claim on one, submit and retry on the other) with
no slot taken twice and no answer lost; exports asked of either process are written by the
consumers through Redis; the login, registration and claim limits count once for both
processes; and when redis-server is stopped, logins fail closed with a translated 503 while
reads keep answering, and a job asked for meanwhile runs once the queue is back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.app.builders import PASSWORD, World
from tests.app.redis_server import RedisServer, free_port
from tests.conftest import POSTGRES_URL, S3, make_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(600)]
WAIT_S = 240  # a loaded two-core machine imports the app in a new process slowly
ITEMS, OVERLAP, EXPERTS = 24, 2, 4
CLAIMS_PER_MINUTE = 25
SECRET_KEY = "scale-out-test-secret-" + "s" * 32
BUCKET = "wanbiao-test"
CONSUMER = ["huey.bin.huey_consumer", "app.jobs.huey", "-w", "1"]


@dataclass
class Cluster:
    app: Any  # the test's own app on the same database, to build and to count
    redis: RedisServer
    env: dict[str, str]
    logs: Path
    bases: list[str] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def spawn(self, name: str, args: list[str]) -> None:
        with open(self.logs / f"{name}.log", "ab") as out:
            self.processes[name] = subprocess.Popen(  # noqa: S603 - fixed argument list
                [sys.executable, "-m", *args], cwd=ROOT, env=self.env, stdout=out, stderr=out
            )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # gunicorn's graceful stop may linger: not tested
                process.kill()
                process.wait(timeout=30)


def _wait(what: str, check: Callable[[], Any], cluster: Cluster) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        for name, process in cluster.processes.items():
            assert process.poll() is None, f"{name} died:\n{cluster.log(name)[-3000:]}"
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/login", timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _environment(s3: S3, redis: RedisServer, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANBIAO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=str(POSTGRES_URL),
        WANBIAO_SECRET_KEY=SECRET_KEY,
        WANBIAO_S3_ENDPOINT=s3.endpoint,
        WANBIAO_S3_ACCESS_KEY=s3.access_key,
        WANBIAO_S3_SECRET_KEY=s3.secret_key,
        WANBIAO_S3_BUCKET=BUCKET,
        WANBIAO_HUEY_URL=redis.url,  # and, by default, the rate limits
        WANBIAO_VAR_DIR=str(var),
        WANBIAO_TRUSTED_PROXIES="1",  # each simulated client sends its own X-Forwarded-For
        WANBIAO_CLAIMS_PER_MINUTE=str(CLAIMS_PER_MINUTE),
    )
    return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, s3_server: S3) -> Iterator[Cluster]:
    if not POSTGRES_URL:
        pytest.skip("WANBIAO_TEST_POSTGRES_URL is not set")
    root = tmp_path_factory.mktemp("scale-out")
    (root / "redis").mkdir()
    redis = RedisServer(root / "redis")
    redis.start()
    running = Cluster(None, redis, _environment(s3_server, redis, root / "var"), root)
    try:
        # Started first: they import the app while this process makes the schema.
        for name in ("web-a", "web-b"):
            port = free_port()
            running.bases.append(f"http://127.0.0.1:{port}")
            gunicorn = ["gunicorn", "-w", "1", "--threads", "4", "--graceful-timeout", "3"]
            running.spawn(name, [*gunicorn, "-b", f"127.0.0.1:{port}", "wsgi:app"])
        running.spawn("consumer-1", CONSUMER)
        running.spawn("consumer-2", [*CONSUMER, "--no-periodic"])  # one scheduler is enough
        running.app = make_app(
            root, s3_server, POSTGRES_URL, SECRET_KEY=SECRET_KEY, S3_BUCKET=BUCKET
        )
        for base in running.bases:
            _wait(f"{base} to answer", lambda base=base: _answers(base), running)
        yield running
    finally:
        running.stop()
        redis.stop()


def _call(method: str, url: str, token: str, body: Any = None) -> tuple[int, Any]:
    """A JSON API call with a bearer token; (status, parsed body or None)."""
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def _label(cluster: Cluster, project: int, token: str, log: dict[str, list[Any]]) -> None:
    """One expert: claim on one process, submit on the other, retry the submit on the first,
    until nothing is left; every request alternates between the two processes."""
    for turn in range(ITEMS + 1):
        first, second = cluster.bases[turn % 2], cluster.bases[(turn + 1) % 2]
        status, body = _call("POST", f"{first}/api/v1/projects/{project}/claim", token)
        if status == 204:
            return
        if status != 200:
            log["errors"].append([status, body])
            return
        answer = {"result": {"label": "正面"}, "client_uuid": str(uuid.uuid4())}
        path = f"/api/v1/tasks/{body['task_id']}/annotations"
        sent = [_call("POST", f"{base}{path}", token, answer) for base in (second, first)]
        log["claims"].append([token, body["task_id"]])
        log["submits"].append([[code, (reply or {}).get("id")] for code, reply in sent])
    log["errors"].append("claimed more tasks than there are items")


def _stored_answers(cluster: Cluster, project: int) -> list[tuple[int, int, int]]:
    from app.extensions import db
    from app.models import Annotation

    with cluster.app.app_context():
        rows = db.session.execute(
            select(Annotation.id, Annotation.item_id, Annotation.annotator_id).where(
                Annotation.project_id == project
            )
        ).all()
        db.session.remove()
    return [(row[0], row[1], row[2]) for row in rows]


def _exported(cluster: Cluster, vendor: str, project: int, base: str) -> dict[str, Any]:
    status, queued = _call("POST", f"{base}/api/v1/projects/{project}/exports", vendor, {})
    assert status == 202, queued

    def ready() -> dict[str, Any] | None:
        _, shown = _call("GET", f"{cluster.bases[1]}/api/v1/exports/{queued['id']}", vendor)
        assert shown["status"] != "failed", shown
        return shown if shown["status"] == "ready" else None

    shown: dict[str, Any] = _wait(f"export {queued['id']}", ready, cluster)
    return shown


def _download(url: str, token: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return [json.loads(line) for line in response.read().decode().splitlines()]


def test_experts_label_across_both_processes_and_the_consumers_export(cluster: Cluster) -> None:
    world = World(cluster.app)
    vendor = world.vendor_api()
    texts = [f"第{i}条：跨进程标注的文字。" for i in range(ITEMS)]
    project = world.project(vendor, texts, overlap=OVERLAP)
    tokens = [world.api(world.user("expert")).token for _ in range(EXPERTS)]
    log: dict[str, list[Any]] = {"claims": [], "submits": [], "errors": []}
    threads = [threading.Thread(target=_label, args=(cluster, project, t, log)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert log["errors"] == []
    claims = [tuple(claim) for claim in log["claims"]]
    assert len(claims) == ITEMS * OVERLAP and len(set(claims)) == len(claims)
    for (first, first_id), (retry, retry_id) in log["submits"]:
        assert (first, retry) == (201, 201) and first_id == retry_id  # one answer per submit
    stored = _stored_answers(cluster, project)
    per_item = Counter(item for _, item, _ in stored)
    assert len(stored) == ITEMS * OVERLAP, "an answer was lost or stored twice"
    assert len({(item, expert) for _, item, expert in stored}) == len(stored)
    assert set(per_item.values()) == {OVERLAP} and len(per_item) == ITEMS
    returned = {first_id for (_, first_id), _ in log["submits"]}
    assert returned == {answer_id for answer_id, _, _ in stored}  # every 201 is in the database

    for base in cluster.bases:  # asked of either process, written by a consumer
        shown = _exported(cluster, vendor.token, project, base)
        lines = _download(shown["download_url"], vendor.token)
        assert len(lines) == ITEMS and sum(len(line["answers"]) for line in lines) == len(stored)
    consumers = cluster.log("consumer-1") + cluster.log("consumer-2")
    assert consumers.count("Executing app.jobs.export_job") == 2, consumers[-3000:]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


class Browser:
    """A browser at one client address (``X-Forwarded-For``; the apps trust one proxy):
    cookies, and the form's CSRF token read from the page, as a person's browser sends them."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(), _NoRedirect()
        )

    def open(self, url: str, form: dict[str, Any] | None = None) -> tuple[int, str, Any]:
        data = None if form is None else urllib.parse.urlencode(form, doseq=True).encode()
        request = urllib.request.Request(url, data, headers={"X-Forwarded-For": self.address})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers

    def submit(self, base: str, path: str, form: dict[str, Any]) -> tuple[int, str, Any]:
        status, page, _ = self.open(f"{base}{path}")
        assert status == 200, page[-2000:]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token is not None, page[-2000:]
        return self.open(f"{base}{path}", {**form, "csrf_token": token.group(1)})

    def login(self, base: str, email: str, password: str) -> tuple[int, str, Any]:
        return self.submit(base, "/login?lang=en", {"email": email, "password": password})


def _registration(number: int) -> dict[str, Any]:
    return {
        "name": f"申请人{number}",
        "email": f"scale-applicant{number}@example.cn",
        "mobile": "13912345678",
        "domains": ["医疗", "法律"],
        "password": "a-long-password",
        "confirm": "a-long-password",
    }


def test_login_and_registration_limits_count_once_for_both_processes(cluster: Cluster) -> None:
    a, b = cluster.bases
    email = World(cluster.app).user("expert")
    guesser = Browser("198.51.100.10")
    for base in (a, b, a):
        assert guesser.login(base, email, "not-the-password")[0] == 422
    status, page, headers = guesser.login(b, email, PASSWORD)  # even the right password waits
    wait = int(headers["Retry-After"])
    assert status == 429 and 1 <= wait <= 5
    assert f"Too many failed logins. Please wait {wait} seconds and try again." in page
    assert Browser("203.0.113.10").login(b, email, PASSWORD)[0] == 302  # the owner elsewhere

    sprayer = Browser("198.51.100.20")
    for number in range(10):  # LOGIN_FAILURES_PER_MINUTE, over both processes
        base = cluster.bases[number % 2]
        assert sprayer.login(base, f"nobody{number}@example.cn", "not-the-password")[0] == 422
    status, page, headers = sprayer.login(a, email, PASSWORD)
    assert status == 429 and headers["Retry-After"] == "60"

    applicant = Browser("198.51.100.30")
    for number in range(5):  # REGISTRATIONS_PER_HOUR_PER_ADDRESS, over both processes
        base = cluster.bases[number % 2]
        assert applicant.submit(base, "/register", _registration(number))[0] == 302
    status, page, headers = applicant.submit(b, "/register?lang=en", _registration(5))
    assert status == 429 and headers["Retry-After"] == "3600"
    assert "Too many registrations from this address. Please try again in an hour." in page


def test_the_claim_throttle_counts_once_for_both_processes_in_redis(cluster: Cluster) -> None:
    import redis

    from app.extensions import db
    from app.models import User

    world = World(cluster.app)
    project = world.project(world.vendor_api(), [f"第{i}段。" for i in range(30)], overlap=1)
    email = world.user("expert")
    token = world.api(email).token
    for turn in range(CLAIMS_PER_MINUTE):
        first, second = cluster.bases[turn % 2], cluster.bases[(turn + 1) % 2]
        status, claim = _call("POST", f"{first}/api/v1/projects/{project}/claim", token)
        assert status == 200, claim
        path = f"/api/v1/tasks/{claim['task_id']}/skip"
        assert _call("POST", f"{second}{path}", token, {"reason": "unclear"})[0] == 204
    url = f"{cluster.bases[1]}/api/v1/projects/{project}/claim?lang=en"
    status, refused = _call("POST", url, token)
    assert status == 429 and refused["error"]["code"] == "claim_rate", refused
    assert f"more than {CLAIMS_PER_MINUTE} a minute" in refused["error"]["message"]
    with cluster.app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
    counted = redis.Redis.from_url(cluster.redis.url).zcard(f'wanbiao:limit:claim:["{user_id}"]')
    assert counted == CLAIMS_PER_MINUTE  # the count both processes read lives in Redis


def _users(cluster: Cluster) -> int:
    from sqlalchemy import func

    from app.extensions import db
    from app.models import User

    with cluster.app.app_context():
        count = db.session.scalar(select(func.count()).select_from(User)) or 0
        db.session.remove()
    return count


# Last in the module: it stops the shared redis-server (and starts it again at the end).
def test_with_redis_stopped_logins_fail_closed_and_queued_work_waits(cluster: Cluster) -> None:
    a, b = cluster.bases
    world = World(cluster.app)
    vendor = world.vendor_api()
    project = world.project(vendor, ["第一段。", "第二段。"], overlap=1)
    email = world.user("expert")
    token = world.api(email).token
    cluster.redis.stop()

    for base in (a, b):
        browser = Browser("203.0.113.50")
        status, page, _ = browser.login(base, email, PASSWORD)
        assert status == 503 and "no login is let through unchecked" in page, page[-2000:]
        assert browser.open(f"{base}/account/tokens")[0] == 302  # not logged in
    status, page, _ = Browser("203.0.113.51").submit(
        b, "/login", {"email": email, "password": PASSWORD}
    )
    assert status == 503 and "未经检查的登录一律不予放行" in page
    users = _users(cluster)
    status, page, _ = Browser("203.0.113.52").submit(a, "/register?lang=en", _registration(99))
    assert status == 503 and "rate limits cannot be reached" in page and _users(cluster) == users
    status, refused = _call("POST", f"{b}/api/v1/projects/{project}/claim", token)
    assert status == 503 and refused["error"]["code"] == "limits_unavailable"
    assert _call("GET", f"{a}/api/v1/projects/{project}", vendor.token)[0] == 200
    status, queued = _call("POST", f"{b}/api/v1/projects/{project}/exports", vendor.token, {})
    assert status == 202 and queued["status"] == "pending"  # saved; the queue is down

    cluster.redis.start()
    assert Browser("203.0.113.50").login(a, email, PASSWORD)[0] == 302
    # A consumer (re)started now finds the export owed without a queued job, and queues it.
    cluster.processes["consumer-2"].terminate()
    cluster.processes["consumer-2"].wait(timeout=60)
    cluster.spawn("consumer-2", [*CONSUMER, "--no-periodic"])
    url = f"{a}/api/v1/exports/{queued['id']}"
    _wait(
        "the export asked for while Redis was down",
        lambda: _call("GET", url, vendor.token)[1]["status"] == "ready",
        cluster,
    )
