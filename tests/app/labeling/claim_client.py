"""A simulated expert process for the concurrency tests (standard library only).

``python claim_client.py BASE PROJECT START_AT TOKEN...``: one thread per token claims and
submits until the project has nothing left for it. Every submit is sent twice with the same
client_uuid: at the same instant from two threads (a double click), then once more after the
answers came back (a retry after a timeout). Prints one JSON object: every claimed task, and
every submit's status and annotation id.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any


def call(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """POST JSON (``{}`` by default) with a bearer token; (status, parsed body or None)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def submit_twice_at_once(url: str, token: str, body: dict[str, Any]) -> list[tuple[int, Any]]:
    """The same submit from two threads at once, as a double click sends it."""
    answers: list[tuple[int, Any]] = []
    threads = [
        threading.Thread(target=lambda: answers.append(call(url, token, body))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def expert(base: str, project: int, token: str, log: dict[str, list[Any]]) -> None:
    """Claim and submit until the project answers 204 (or refuses the claim)."""
    while True:
        status, body = call(f"{base}/api/v1/projects/{project}/claim", token)
        if status != 200:
            log["claim_refusals"] += [] if status == 204 else [[status, body]]
            return
        task = body["task_id"]
        log["claims"].append([token[-8:], task])
        url = f"{base}/api/v1/tasks/{task}/annotations"
        answer = {"result": {"label": "正面"}, "client_uuid": str(uuid.uuid4())}
        for status, reply in submit_twice_at_once(url, token, answer) + [call(url, token, answer)]:
            log["submits"].append(
                [
                    task,
                    answer["client_uuid"],
                    status,
                    reply.get("id") if isinstance(reply, dict) else None,
                    reply.get("error", {}).get("code") if isinstance(reply, dict) else None,
                ]
            )


def main(argv: list[str]) -> None:
    base, project, start_at, tokens = argv[0], int(argv[1]), float(argv[2]), argv[3:]
    log: dict[str, list[Any]] = {"claims": [], "submits": [], "claim_refusals": []}
    time.sleep(max(0.0, start_at - time.time()))  # every process starts at the same instant
    threads = [
        threading.Thread(target=expert, args=(base, project, token, log)) for token in tokens
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(log))


if __name__ == "__main__":
    main(sys.argv[1:])
