"""Over plain HTTP, what toloka-kit cannot show: status lines, error envelopes, body and rate limits."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from toloka.client import TolokaClient
from toloka.client.exceptions import ApiError, TooManyRequestsApiError

from tests.e2e.conftest import Maker, check_envelope, image_tasks, task_count
from tests.support.server import ServerProcess


def api_client(server: ServerProcess) -> httpx.Client:
    return httpx.Client(
        base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {server.token}"}, timeout=60
    )


def make_pool(api: httpx.Client) -> str:
    project = api.post(
        "/projects",
        json={
            "public_name": "p",
            "public_description": "d",
            "task_spec": {
                "input_spec": {"image": {"type": "url"}},
                "output_spec": {"label": {"type": "string"}},
            },
        },
    )
    assert project.status_code == 201, project.text
    pool = api.post(
        "/pools",
        json={
            "project_id": project.json()["id"],
            "private_name": "pool",
            "defaults": {"default_overlap_for_new_tasks": 1},
        },
    )
    assert pool.status_code == 201, pool.text
    return str(pool.json()["id"])


def task_body(pool_id: str, count: int, prefix: str = "h") -> list[dict[str, object]]:
    return [
        {
            "pool_id": pool_id,
            "input_values": {"image": f"https://example.com/{prefix}/{number}.png"},
            "overlap": 1,
        }
        for number in range(count)
    ]


def test_status_line_is_http_1_1(http: httpx.Client) -> None:
    assert http.get("/requester").http_version == "HTTP/1.1"
    assert http.get("/pools/999999999").http_version == "HTTP/1.1"
    assert http.delete("/tasks").http_version == "HTTP/1.1"


def test_404_envelope(http: httpx.Client, server: ServerProcess) -> None:
    check_envelope(http.get("/no-such-endpoint"), 404, "DOES_NOT_EXIST")
    check_envelope(httpx.get(server.url + "/not-the-api"), 404, "DOES_NOT_EXIST")
    body = check_envelope(http.get("/pools/999999999"), 404, "DOES_NOT_EXIST")
    assert body["payload"] is None
    assert (
        check_envelope(http.get("/pools/999999999"), 404, "DOES_NOT_EXIST")["request_id"]
        != body["request_id"]
    )
    check_envelope(http.get("/projects/not-a-number"), 404, "DOES_NOT_EXIST")
    check_envelope(http.get("/tasks/0000000001--000000000000000000000000"), 404, "DOES_NOT_EXIST")
    check_envelope(http.get("/tasks/nonsense"), 404, "DOES_NOT_EXIST")
    check_envelope(http.get(f"/operations/{uuid.uuid4()}"), 404, "DOES_NOT_EXIST")
    check_envelope(http.get(f"/operations/{uuid.uuid4()}/log"), 404, "DOES_NOT_EXIST")


def test_task_id_beyond_int64_is_not_a_server_error(http: httpx.Client) -> None:
    """Well-formed ids whose 24-hex part does not fit a 64-bit integer: not found, never a 500."""
    pool_id = make_pool(http)
    huge = f"{int(pool_id):010x}--{'f' * 24}"
    check_envelope(http.get(f"/tasks/{huge}"), 404, "DOES_NOT_EXIST")
    check_envelope(http.patch(f"/tasks/{huge}", json={"overlap": 2}), 404, "DOES_NOT_EXIST")
    for name in ("id_gt", "id_lt", "id_gte", "id_lte"):
        page = http.get("/tasks", params={"pool_id": pool_id, name: huge})
        if page.status_code != 200:
            check_envelope(page, 400, "VALIDATION_ERROR")
        else:
            assert page.json() == {"items": [], "has_more": False}


def test_405_envelope(http: httpx.Client) -> None:
    for method, path in [
        ("DELETE", "/tasks"),
        ("PUT", "/requester"),
        ("DELETE", "/pools/1"),
        ("GET", "/pools/1/open"),
    ]:
        response = http.request(method, path)
        check_envelope(response, 405, "METHOD_NOT_ALLOWED")
        assert method not in response.headers["allow"]


def test_400_envelopes(http: httpx.Client) -> None:
    body = check_envelope(http.get("/tasks", params={"bogus": "1"}), 400, "VALIDATION_ERROR")
    assert body["payload"]["bogus"]["code"] == "VALUE_NOT_ALLOWED"
    body = check_envelope(http.get("/tasks", params={"limit": "100001"}), 400, "VALIDATION_ERROR")
    assert set(body["payload"]) == {"limit"}
    body = check_envelope(
        http.get("/tasks", params={"id_gt": "abc", "created_lt": "yesterday"}), 400, "VALIDATION_ERROR"
    )
    assert set(body["payload"]) == {"id_gt", "created_lt"}
    body = check_envelope(http.get("/tasks", params={"sort": "overlap"}), 400, "VALIDATION_ERROR")
    assert set(body["payload"]) == {"sort"}
    body = check_envelope(
        http.post(
            "/tasks",
            content=b"[{not json",
            params={"async_mode": "false"},
            headers={"Content-Type": "application/json"},
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert isinstance(body["payload"], dict)
    body = check_envelope(
        http.post("/tasks", json=[], params={"operation_id": "not-a-uuid"}), 400, "VALIDATION_ERROR"
    )
    assert body["payload"]["operation_id"]["code"] == "UUID_EXPECTED"
    body = check_envelope(
        http.post("/projects", json={"public_name": "no description"}), 400, "VALIDATION_ERROR"
    )
    assert body["payload"]["public_description"]["code"] == "VALUE_REQUIRED"
    assert body["payload"]["task_spec"]["code"] == "VALUE_REQUIRED"


def test_sync_validation_error_payload_shape(http: httpx.Client) -> None:
    pool_id = make_pool(http)
    tasks = task_body(pool_id, 3)
    tasks[1]["input_values"] = {"image": "no", "extra": True}
    response = http.post(
        "/tasks", json=tasks, params={"async_mode": "false", "operation_id": str(uuid.uuid4())}
    )
    body = check_envelope(response, 400, "VALIDATION_ERROR")
    assert set(body["payload"]) == {"1"}
    errors = body["payload"]["1"]
    assert set(errors) == {"input_values.image", "input_values.extra"}
    assert errors["input_values.image"]["code"] == "INVALID_URL_SYNTAX"
    assert errors["input_values.extra"]["code"] == "VALUE_NOT_ALLOWED"
    for error in errors.values():
        assert set(error) <= {"code", "message", "params"}
        assert isinstance(error["message"], str) and error["message"]
    assert http.get("/tasks", params={"pool_id": pool_id}).json() == {"items": [], "has_more": False}


def test_sync_created_answer_shape(http: httpx.Client) -> None:
    pool_id = make_pool(http)
    response = http.post("/tasks", json=task_body(pool_id, 2), params={"async_mode": "false"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body["items"]) == {"0", "1"}
    assert body.get("validation_errors", {}) == {}
    task = body["items"]["0"]
    assert task["overlap"] == 1 and task["infinite_overlap"] is False and task["remaining_overlap"] == 1
    assert "__item_idx" not in task
    created = task["created"]
    assert len(created) == len("2030-01-01T12:00:00.000000") and not created.endswith("Z")


def test_async_create_answers_an_operation(http: httpx.Client) -> None:
    pool_id = make_pool(http)
    operation_id = str(uuid.uuid4())
    response = http.post("/tasks", json=task_body(pool_id, 2), params={"operation_id": operation_id})
    assert 200 <= response.status_code < 300, response.text
    operation = response.json()
    assert (operation["id"], operation["type"]) == (operation_id, "TASK.BATCH_CREATE")
    assert operation["status"] in ("PENDING", "RUNNING", "SUCCESS")
    assert operation["parameters"] == {
        "skip_invalid_items": False,
        "allow_defaults": False,
        "open_pool": False,
    }
    again = http.post("/tasks", json=task_body(pool_id, 2), params={"operation_id": operation_id})
    check_envelope(again, 409, "OPERATION_ALREADY_EXISTS")


@pytest.fixture
def small_body_server(own_server: ServerProcess) -> Iterator[ServerProcess]:
    own_server.env["TALAKA_MAX_BODY_BYTES"] = "1000"
    yield own_server.start()


def test_413_for_a_body_over_the_limit(small_body_server: ServerProcess) -> None:
    with api_client(small_body_server) as api:
        pool_id = make_pool(api)
        fits = task_body(pool_id, 2)
        assert len(json.dumps(fits)) < 1000
        assert api.post("/tasks", json=fits, params={"async_mode": "false"}).status_code == 201

        too_big = task_body(pool_id, 20, "big")
        assert len(json.dumps(too_big)) > 1000
        for mode in ("true", "false"):
            response = api.post("/tasks", json=too_big, params={"async_mode": mode})
            body = check_envelope(response, 413, "PAYLOAD_TOO_LARGE")
            assert "1000" in body["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds for a streamed body too
            data = json.dumps(too_big).encode()
            for start in range(0, len(data), 100):
                yield data[start : start + 100]

        streamed = api.post(
            "/tasks",
            content=chunks(),
            params={"async_mode": "false"},
            headers={"Content-Type": "application/json"},
        )
        check_envelope(streamed, 413, "PAYLOAD_TOO_LARGE")
        check_envelope(api.post("/projects", json={"public_name": "x" * 2000}), 413, "PAYLOAD_TOO_LARGE")
        assert len(api.get("/tasks", params={"pool_id": pool_id}).json()["items"]) == 2

    client = TolokaClient(small_body_server.token, url=small_body_server.url)
    with pytest.raises(ApiError) as refused:
        client.create_tasks(image_tasks(pool_id, 30, "kit"), allow_defaults=True, async_mode=False)
    assert refused.value.status_code == 413
    assert refused.value.code == "PAYLOAD_TOO_LARGE"
    assert task_count(client, pool_id) == 2


LIMIT = 5


@pytest.fixture
def limited_server(own_server: ServerProcess) -> Iterator[ServerProcess]:
    own_server.env["TALAKA_REQUESTS_PER_MINUTE"] = str(LIMIT)
    yield own_server.start()


def wait_for_a_fresh_minute(margin: float = 8.0) -> None:
    """Fixed one-minute windows: keep a test's requests inside one of them."""
    into = time.time() % 60
    if into > 60 - margin:
        time.sleep(60 - into + 0.05)


def test_429_when_over_the_rate_limit(limited_server: ServerProcess) -> None:
    with api_client(limited_server) as api:
        pool_id = make_pool(api)
        wait_for_a_fresh_minute()
        for number in range(LIMIT):
            response = api.post(
                "/tasks", json=task_body(pool_id, 1, f"r{number}"), params={"async_mode": "false"}
            )
            assert response.status_code == 201, response.text
            assert response.headers["ratelimit-limit"] == str(LIMIT)
            assert response.headers["ratelimit-remaining"] == str(LIMIT - number - 1)
            assert 0 < int(response.headers["ratelimit-reset"]) <= 61

        refused = api.post("/tasks", json=task_body(pool_id, 1, "over"), params={"async_mode": "false"})
        body = check_envelope(refused, 429, "TOO_MANY_REQUESTS")
        assert refused.http_version == "HTTP/1.1"
        assert "retry-after" not in refused.headers
        assert refused.headers["ratelimit-limit"] == str(LIMIT)
        assert refused.headers["ratelimit-remaining"] == "0"
        reset = int(refused.headers["ratelimit-reset"])
        assert 0 < reset <= 61
        payload = body["payload"]
        assert set(payload) == {"limit", "window", "reset_seconds"}
        assert "interval" not in payload
        assert payload["limit"] == LIMIT
        assert payload["window"] == "MINUTE"
        assert payload["reset_seconds"] == reset

        assert api.get("/requester").status_code == 200, "reads are not task-creating requests"
        assert len(api.get("/tasks", params={"pool_id": pool_id}).json()["items"]) == LIMIT, (
            "the refused request created nothing"
        )
        assert make_pool(api), "creating projects and pools is not counted either"

        # toloka-kit retries a 429 without Retry-After and then raises, instead of crashing.
        client = TolokaClient(limited_server.token, url=limited_server.url, retries=1)
        with pytest.raises(TooManyRequestsApiError) as kit_refused:
            client.create_tasks(image_tasks(pool_id, 1, "kit"), allow_defaults=True, async_mode=False)
        assert kit_refused.value.status_code == 429
        with pytest.raises(TooManyRequestsApiError):
            client.create_tasks(image_tasks(pool_id, 1, "kit-async"), allow_defaults=True)


def test_rate_limits_are_per_requester(limited_server: ServerProcess) -> None:
    other_token = limited_server.new_requester("second")
    with api_client(limited_server) as api:
        pool_id = make_pool(api)
        wait_for_a_fresh_minute()
        for number in range(LIMIT + 1):
            api.post("/tasks", json=task_body(pool_id, 1, f"p{number}"), params={"async_mode": "false"})
        assert (
            api.post("/tasks", json=task_body(pool_id, 1), params={"async_mode": "false"}).status_code == 429
        )
    with httpx.Client(
        base_url=limited_server.url + "/api/v1", headers={"Authorization": f"OAuth {other_token}"}
    ) as second:
        other_pool = make_pool(second)
        response = second.post("/tasks", json=task_body(other_pool, 1), params={"async_mode": "false"})
        assert response.status_code == 201, response.text
        assert response.headers["ratelimit-remaining"] == str(LIMIT - 1)


def test_toloka_kit_sees_the_errors_it_expects(toloka: TolokaClient, maker: Maker) -> None:
    """Error codes map to toloka-kit's exception classes whatever the status (spec section 2)."""
    from toloka.client.exceptions import DoesNotExistApiError, IncorrectActionsApiError, ValidationApiError

    pool = maker.pool()
    with pytest.raises(DoesNotExistApiError) as missing:
        toloka.get_pool("999999999")
    assert missing.value.status_code == 404
    assert missing.value.request_id
    with pytest.raises(IncorrectActionsApiError) as empty:
        toloka.open_pool(pool.id)
    assert (empty.value.status_code, empty.value.code) == (409, "EMPTY_POOL")
    with pytest.raises(ValidationApiError) as invalid:
        toloka.find_tasks(pool_id=pool.id, limit=100_001)
    assert invalid.value.invalid_fields == ["limit"]
