"""What one hostile request can do to the API: size, nesting, huge ids, nameless parts,
missing credentials, wrong methods (issue 14, sections 3 and 5)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from tests.app.builders import PASSWORD, World
from tests.conftest import make_app

FIFTY_MB = 50 * 1024 * 1024


class CountingSpaces(io.RawIOBase):
    """A body of ``size`` spaces that is never held in memory and counts what was read."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # the test client measures the body by seeking to its end

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset if whence == 0 else self.size + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b" " * n
        self.position += n
        self.read_bytes += n
        return n


def test_a_50_mb_json_body_is_413_without_being_read(world: World) -> None:
    vendor = world.vendor_api()
    body = CountingSpaces(FIFTY_MB)
    response = vendor.client.post(
        "/api/v1/projects",
        input_stream=body,
        content_length=FIFTY_MB,
        content_type="application/json",
        headers=vendor._headers(),
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "json_too_large"
    assert body.read_bytes == 0


def test_a_chunked_json_body_stops_being_read_at_the_limit(world: World) -> None:
    vendor = world.vendor_api()
    body = CountingSpaces(FIFTY_MB)
    response = vendor.client.post(
        "/api/v1/projects",
        input_stream=body,
        content_type="application/json",
        headers={**vendor._headers(), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert body.read_bytes <= 2 * 1024 * 1024


def test_the_json_limit_is_a_setting(tmp_path: Any, s3_server: Any) -> None:
    small = make_app(tmp_path, s3_server, MAX_JSON_BYTES=100)
    vendor = World(small).vendor_api()
    response = vendor.post("/api/v1/projects", {"name": "x" * 200})
    assert response.status_code == 413


@pytest.mark.parametrize("depth", [101, 1_000, 100_000])
def test_deeply_nested_json_is_400_with_a_translated_message(world: World, depth: int) -> None:
    vendor = world.vendor_api()
    response = vendor.client.post(
        "/api/v1/projects",
        data="[" * depth + "]" * depth,
        content_type="application/json",
        headers=vendor._headers(),
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "json_too_deep"
    assert "层" in response.json["error"]["message"]


def test_json_nested_100_deep_is_still_parsed(world: World) -> None:
    vendor = world.vendor_api()
    body = '{"name": ' + "[" * 99 + "]" * 99 + "}"
    response = vendor.client.post(
        "/api/v1/projects", data=body, content_type="application/json", headers=vendor._headers()
    )
    assert response.status_code == 422  # read, then refused by the project's own checks


HUGE_IDS = [str(2**63), str(2**64 + 5), "9" * 5000]


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/corpora/{id}",
        "/api/v1/projects/{id}",
        "/api/v1/projects/{id}/tasks",
        "/api/v1/exports/{id}",
        "/api/v1/items/{id}/image",
        "/api/v1/projects/1/items/{id}",
        "/api/v1/projects/{id}/quality/experts/1",
    ],
)
def test_an_id_beyond_64_bits_is_404(world: World, path: str, huge: str) -> None:
    vendor = world.vendor_api()
    assert vendor.get(path.format(id=huge)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/projects/{id}/claim",
        "/api/v1/tasks/{id}/skip",
        # GET and POST of this path are separate rules: Werkzeug alone would answer 405.
        "/api/v1/projects/{id}/invitations",
    ],
)
@pytest.mark.parametrize("huge", [2**63, 213920587025833160343552])
def test_an_id_beyond_64_bits_is_404_on_writes_too(world: World, path: str, huge: int) -> None:
    expert = world.api(world.user("expert"))
    assert expert.post(path.format(id=huge), {}).status_code == 404


def test_the_largest_64_bit_id_is_an_ordinary_404(world: World) -> None:
    vendor = world.vendor_api()
    response = vendor.get(f"/api/v1/corpora/{2**63 - 1}")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "p", "corpus_id": 2**63, "type": "classify", "labels": ["a"], "overlap": 1},
        {"name": "p", "corpus_id": -(2**70), "type": "classify", "labels": ["a"], "overlap": 1},
    ],
)
def test_an_id_beyond_64_bits_in_a_json_body_is_refused_not_500(
    any_db_world: World, body: dict[str, Any]
) -> None:
    vendor = any_db_world.vendor_api()
    response = vendor.post("/api/v1/projects", body)
    assert response.status_code in (404, 422)
    assert "error" in response.json


NAMELESS = b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n"
FILE_WITHOUT_NAME = (
    b'--B\r\nContent-Disposition: form-data; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\nx\r\n--B--\r\n"
)


@pytest.mark.parametrize("body", [NAMELESS, FILE_WITHOUT_NAME])
@pytest.mark.parametrize("path", ["/login", "/register"])
def test_a_multipart_part_without_a_name_is_400_on_pages(
    tmp_path: Any, s3_server: Any, path: str, body: bytes
) -> None:
    strict = make_app(tmp_path, s3_server, WTF_CSRF_ENABLED=True)
    response = strict.test_client().post(
        path, data=body, content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("body", [NAMELESS, FILE_WITHOUT_NAME])
def test_a_multipart_part_without_a_name_is_400_on_upload(world: World, body: bytes) -> None:
    vendor = world.vendor_api()
    response = vendor.client.post(
        "/api/v1/corpora",
        data=body,
        headers=vendor._headers(),
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


@pytest.mark.parametrize("body", [NAMELESS, FILE_WITHOUT_NAME])
def test_an_anonymous_upload_with_a_nameless_part_is_refused_not_a_500(
    tmp_path: Any, s3_server: Any, body: bytes
) -> None:
    strict = make_app(tmp_path, s3_server, WTF_CSRF_ENABLED=True)
    response = strict.test_client().post(
        "/api/v1/corpora", data=body, content_type="multipart/form-data; boundary=B"
    )
    # Authentication comes first: a caller without a token learns nothing about the body.
    assert (response.status_code, response.json["error"]["code"]) == (401, "unauthorized")


def test_anonymous_api_writes_are_401_not_a_csrf_400(tmp_path: Any, s3_server: Any) -> None:
    strict = make_app(tmp_path, s3_server, WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    for path in ("/api/v1/projects", "/api/v1/projects/1/claim", "/api/v1/corpora"):
        response = client.post(path, json={})
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_405_names_the_allowed_methods(world: World) -> None:
    vendor = world.vendor_api()
    response = vendor.client.put("/api/v1/openapi.json")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert response.json["error"]["code"] == "method_not_allowed"
    page = vendor.client.delete("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def _logged_in_strict_client(tmp_path: Any, s3_server: Any) -> tuple[Any, Any, str]:
    strict = make_app(tmp_path, s3_server, WTF_CSRF_ENABLED=True)
    world = World(strict)
    email = world.user("expert")
    client = strict.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    assert (
        client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        ).status_code
        == 302
    )
    return strict, client, email


def test_a_junk_bearer_token_beside_a_cookie_does_not_skip_csrf(
    tmp_path: Any, s3_server: Any
) -> None:
    _strict, client, _email = _logged_in_strict_client(tmp_path, s3_server)
    response = client.post("/api/v1/projects/1/claim", headers={"Authorization": "Bearer junk"})
    assert response.status_code == 401
    without = client.post("/api/v1/projects/1/claim")
    assert without.status_code == 400 and without.json["error"]["code"] == "csrf"


def test_a_valid_bearer_token_stands_for_its_own_user(tmp_path: Any, s3_server: Any) -> None:
    strict, client, _email = _logged_in_strict_client(tmp_path, s3_server)
    world = World(strict)
    vendor = world.vendor_api()
    # The session is an expert's; the token a vendor's: the token decides, without CSRF.
    created = client.post(
        "/api/v1/corpora",
        headers=vendor._headers(),
        data={"file": (io.BytesIO("一。".encode()), "a.txt"), "name": "c"},
        content_type="multipart/form-data",
    )
    assert created.status_code == 201
