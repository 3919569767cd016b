"""Plain-HTTP helpers for tests that talk to a server without toloka-kit."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

IMAGE_PROJECT: dict[str, Any] = {
    "public_name": "images", "public_description": "classify images",
    "task_spec": {"input_spec": {"image": {"type": "url", "required": True}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}}}


def client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url + "/api/v1", headers={"Authorization": f"OAuth {token}"}, timeout=120)


def make_pool(api: httpx.Client, default_overlap: int = 1) -> str:
    project = api.post("/projects", json=IMAGE_PROJECT)
    project.raise_for_status()
    pool = api.post("/pools", json={"project_id": project.json()["id"], "private_name": "pool",
                                    "defaults": {"default_overlap_for_new_tasks": default_overlap}})
    pool.raise_for_status()
    return str(pool.json()["id"])


def image_tasks(pool_id: str, count: int, prefix: str = "img") -> list[dict[str, Any]]:
    return [{"pool_id": pool_id, "input_values": {"image": f"https://example.com/{prefix}/{number}.png"}}
            for number in range(count)]


def post_tasks(api: httpx.Client, tasks: Any, **params: Any) -> httpx.Response:
    query = {"operation_id": str(uuid.uuid4()), "async_mode": "true", "allow_defaults": "true"}
    query.update({key: str(value).lower() if isinstance(value, bool) else value for key, value in params.items()})
    return api.post("/tasks", json=tasks, params=query)


def wait_operation(api: httpx.Client, operation_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        operation: dict[str, Any] = api.get(f"/operations/{operation_id}").json()
        if operation["status"] in ("SUCCESS", "FAIL"):
            return operation
        time.sleep(0.05)
    raise TimeoutError(f"operation {operation_id} did not finish in {timeout} s")


def all_tasks(api: httpx.Client, pool_id: str) -> list[dict[str, Any]]:
    """Every task of a pool, paged by id the way toloka-kit pages."""
    tasks: list[dict[str, Any]] = []
    params: dict[str, Any] = {"pool_id": pool_id, "sort": "id", "limit": 50_000}
    while True:
        page = api.get("/tasks", params=params).json()
        tasks.extend(page["items"])
        if not page["has_more"]:
            return tasks
        params["id_gt"] = page["items"][-1]["id"]
