"""`AsyncClient`: the same calls as `Client`, awaited, against a real server process."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

import talaka
from tests.client.pools import image_tasks, image_url, new_pool, pool_task_ids
from tests.support.server import ServerProcess

T = TypeVar("T")


def run(server: ServerProcess, work: Callable[[talaka.AsyncClient], Awaitable[T]], **options: Any) -> T:
    async def main() -> T:
        async with talaka.AsyncClient(server.url, server.token, **options) as client:
            return await work(client)

    return asyncio.run(main())


def test_seed_example_with_the_async_client(server: ServerProcess, client: talaka.Client) -> None:
    pool_id = new_pool(client)

    async def work(sdk: talaka.AsyncClient) -> talaka.TaskBatchCreateResult:
        tasks = [talaka.Task(input_values={"image": image_url(number)}, pool_id=pool_id)
                 for number in range(50)]
        return await sdk.create_tasks(tasks, allow_defaults=True)

    result = run(server, work)
    assert len(result.items) == 50
    images = [result.items[str(index)].input_values["image"] for index in range(50)]
    assert images == [image_url(number) for number in range(50)]


def test_chunks_in_flight_and_all_or_nothing(server: ServerProcess, client: talaka.Client) -> None:
    pool_id = new_pool(client)
    tasks: list[Any] = image_tasks(pool_id, 9_000)

    async def work(sdk: talaka.AsyncClient) -> talaka.TaskBatchCreateResult:
        return await sdk.create_tasks(tasks, allow_defaults=True)

    result = run(server, work, chunk_size=1_000, max_in_flight=3)
    assert len(result.items) == 9_000
    assert all(result.items[str(index)].input_values["image"] == image_url(index) for index in range(9_000))

    other = new_pool(client)
    tasks = image_tasks(other, 5_000)
    tasks[4_999] = {"pool_id": other, "input_values": {"image": None}}
    with pytest.raises(talaka.ValidationApiError) as refused:
        run(server, work, chunk_size=1_000)
    assert list(refused.value.payload) == ["4999"]
    assert pool_task_ids(client, other) == []


def test_calls_of_the_async_client(server: ServerProcess, client: talaka.Client) -> None:
    pool_id = new_pool(client)

    async def work(sdk: talaka.AsyncClient) -> None:
        assert (await sdk.get_requester()).id
        task = await sdk.create_task(talaka.Task(input_values={"image": image_url(0)}, pool_id=pool_id),
                                     allow_defaults=True)
        assert task.id is not None and await sdk.get_task(task.id) == task
        patched = await sdk.patch_task(task.id, overlap=4)
        assert patched.overlap == 4

        operation = await sdk.create_tasks_async(image_tasks(pool_id, 11_000, "later"), allow_defaults=True)
        done = await sdk.wait_operation(operation)
        assert done.status == "SUCCESS" and (await sdk.get_operation(done.id)).status == "SUCCESS"
        assert len(await sdk.get_operation_log(done)) == 11_000

        ids = [found.id async for found in sdk.get_tasks(pool_id=pool_id, batch_size=3_000)]
        assert len(ids) == 11_001 and ids == sorted(ids)
        page = await sdk.find_tasks(pool_id=pool_id, limit=5)
        assert len(page.items) == 5 and page.has_more

        assert (await sdk.open_pool(pool_id)).status == "OPEN"
        assert (await sdk.close_pool(pool_id)).status == "CLOSED"
        assert (await sdk.archive_pool(pool_id)).status == "ARCHIVED"
        assert (await sdk.get_pool(pool_id)).status == "ARCHIVED"

        with pytest.raises(talaka.DoesNotExistApiError):
            await sdk.get_task("00000fffff--000000000000000000000001")

    run(server, work)


def test_bad_token_with_the_async_client(server: ServerProcess) -> None:
    async def work() -> None:
        async with talaka.AsyncClient(server.url, "wrong") as sdk:
            await sdk.get_requester()

    with pytest.raises(talaka.AuthenticationApiError):
        asyncio.run(work())
