"""Failure injection: answers lost after the server acted, 429s and 500s, at random with a fixed seed.

Over many chunks, no task may be created twice and none may be lost.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter

import httpx
import pytest

import talaka
from tests.client.pools import image_tasks, image_url, new_pool, pool_task_ids
from tests.support.server import ServerProcess

TASKS = 60_000
CHUNK = 2_000
LOST, LIMITED, FAILED = 0.08, 0.08, 0.08


class Faults:
    """Decides, with a seeded generator, what happens to each request; counts what it did."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def draw(self, request: httpx.Request) -> str:
        with self.lock:
            value = self.random.random()
        fault = ("lost" if value < LOST else "429" if value < LOST + LIMITED
                 else "500" if value < LOST + LIMITED + FAILED else "forward")
        self.counts[f"{request.method} {fault}"] += 1
        return fault

    def answered(self, response: httpx.Response) -> None:
        self.counts[f"status {response.status_code}"] += 1

    def injected(self, fault: str, request: httpx.Request) -> httpx.Response:
        if fault == "429":
            return httpx.Response(429, headers={"RateLimit-Reset": "0"}, request=request, json={
                "request_id": "injected", "code": "TOO_MANY_REQUESTS", "message": "slow down",
                "payload": None})
        return httpx.Response(500, request=request, json={
            "request_id": "injected", "code": "INTERNAL_ERROR", "message": "injected failure",
            "payload": None})


class FlakyTransport(httpx.BaseTransport):
    def __init__(self, faults: Faults) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults = faults

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.draw(request)
        if fault in ("429", "500"):
            return self.faults.injected(fault, request)
        response = self.inner.handle_request(request)
        response.read()
        response.close()
        self.faults.answered(response)
        if fault == "lost":
            raise httpx.ReadError("the answer was lost on the way back", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncFlakyTransport(httpx.AsyncBaseTransport):
    def __init__(self, faults: Faults) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.faults = faults

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.draw(request)
        if fault in ("429", "500"):
            return self.faults.injected(fault, request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        await response.aclose()
        self.faults.answered(response)
        if fault == "lost":
            raise httpx.ReadError("the answer was lost on the way back", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def check_every_task_once(client: talaka.Client, pool_id: str, result: talaka.TaskBatchCreateResult,
                          faults: Faults) -> None:
    assert len(result.items) == TASKS and not result.validation_errors
    assert all(result.items[str(index)].input_values["image"] == image_url(index) for index in range(TASKS))
    stored = pool_task_ids(client, pool_id)
    assert len(stored) == TASKS, f"{len(stored) - TASKS:+} tasks in the pool"
    assert set(stored) == {task.id for task in result.items.values()}
    for fault in ("lost", "429", "500"):
        assert faults.counts[f"POST {fault}"] > 0, faults.counts


@pytest.mark.parametrize("async_mode", [True, False])
def test_client_survives_lost_answers_429_and_500(server: ServerProcess, client: talaka.Client,
                                                   async_mode: bool) -> None:
    pool_id = new_pool(client)
    faults = Faults(seed=3)
    with talaka.Client(server.url, server.token, chunk_size=CHUNK, retries=12,
                       transport=FlakyTransport(faults)) as flaky:
        result = flaky.create_tasks(image_tasks(pool_id, TASKS), allow_defaults=True, async_mode=async_mode)
    check_every_task_once(client, pool_id, result, faults)
    if async_mode:
        assert faults.counts["status 409"] > 0, "a lost answer is followed by OPERATION_ALREADY_EXISTS"


def test_async_client_survives_lost_answers_429_and_500(server: ServerProcess, client: talaka.Client) -> None:
    pool_id = new_pool(client)
    faults = Faults(seed=4)

    async def upload() -> talaka.TaskBatchCreateResult:
        async with talaka.AsyncClient(server.url, server.token, chunk_size=CHUNK, retries=12,
                                      transport=AsyncFlakyTransport(faults)) as flaky:
            return await flaky.create_tasks(image_tasks(pool_id, TASKS), allow_defaults=True)

    result = asyncio.run(upload())
    check_every_task_once(client, pool_id, result, faults)
    assert faults.counts["status 409"] > 0
