"""`Client.create_tasks` and friends against a real server process."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import httpx
import pytest

import talaka
from tests.client.pools import image_tasks, image_url, new_pool, pool_task_ids
from tests.support.server import ServerProcess


def test_seed_example_image_tasks(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    urls = [image_url(number) for number in range(50)]

    # toloka-kit's first example, with only the import changed.
    tasks = [
        talaka.Task(input_values={'image': url}, pool_id=pool_id)
        for url in urls[:50]
    ]
    result = client.create_tasks(tasks, allow_defaults=True)
    print(len(result.items))

    assert len(result.items) == 50 and result.validation_errors == {}
    for index, url in enumerate(urls):
        task = result.items[str(index)]
        assert task.input_values == {"image": url} and task.pool_id == pool_id and task.overlap == 1
        assert task.id is not None and task.created is not None
    assert client.get_task(result.items["7"].id or "") == result.items["7"]


def test_seed_example_golden_tasks(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    dataset = [{"image": image_url(number, "golden"), "label": "cat" if number % 2 else "dog"}
               for number in range(20)]

    # toloka-kit's second example, with only the import changed.
    golden_tasks = []
    for row in dataset:
        golden_tasks.append(
            talaka.Task(
                input_values={'image': row['image']},
                known_solutions=[
                    talaka.Task.KnownSolution(output_values={'label': row['label']})
                ],
                pool_id=pool_id,
            )
        )
    result = client.create_tasks(golden_tasks, allow_defaults=True)
    print(len(result.items))

    assert len(result.items) == 20
    for index, row in enumerate(dataset):
        task = result.items[str(index)]
        assert task.input_values == {"image": row["image"]}
        assert task.known_solutions == [talaka.KnownSolution(output_values={"label": row["label"]})]


def test_a_quarter_million_tasks_in_one_call(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    count = 250_000
    result = client.create_tasks(image_tasks(pool_id, count), allow_defaults=True)

    assert len(result.items) == count and not result.validation_errors
    assert all(result.items[str(index)].input_values["image"] == image_url(index) for index in range(count))
    stored = pool_task_ids(client, pool_id)
    assert len(stored) == count
    assert set(stored) == {task.id for task in result.items.values()}


def test_dicts_and_generators_are_accepted(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    tasks = ({"pool_id": pool_id, "input_values": {"image": image_url(number)}, "overlap": 2}
             for number in range(30))
    result = client.create_tasks(tasks)
    images = [result.items[str(index)].input_values["image"] for index in range(30)]
    assert images == [image_url(number) for number in range(30)]
    assert {task.overlap for task in result.items.values()} == {2}


@pytest.mark.parametrize("async_mode", [True, False])
def test_one_invalid_task_in_the_last_chunk_refuses_every_chunk(server: ServerProcess,
                                                                async_mode: bool) -> None:
    with talaka.Client(server.url, server.token, chunk_size=1_000) as client:
        pool_id = new_pool(client)
        tasks: list[Any] = image_tasks(pool_id, 4_500)
        tasks[4_321] = {"pool_id": pool_id, "input_values": {"image": 42, "extra": "x"}}

        with pytest.raises(talaka.ValidationApiError) as refused:
            client.create_tasks(tasks, allow_defaults=True, async_mode=async_mode)

        assert set(refused.value.payload) == {"4321"}
        problems = refused.value.payload["4321"]
        assert set(problems) == {"input_values.image", "input_values.extra"}
        assert problems["input_values.extra"].code == "VALUE_NOT_ALLOWED"
        assert refused.value.result is None
        assert pool_task_ids(client, pool_id) == []


@pytest.mark.parametrize("async_mode", [True, False])
def test_skip_invalid_items_creates_the_rest_and_reports_the_index(server: ServerProcess,
                                                                   async_mode: bool) -> None:
    with talaka.Client(server.url, server.token, chunk_size=1_000) as client:
        pool_id = new_pool(client)
        tasks: list[Any] = image_tasks(pool_id, 3_500)
        tasks[3_499] = talaka.Task(input_values={"image": "not a url"}, pool_id=pool_id)
        tasks[10] = talaka.Task(input_values={"image": None}, pool_id=pool_id)

        result = client.create_tasks(tasks, allow_defaults=True, skip_invalid_items=True,
                                     async_mode=async_mode)

        assert set(result.validation_errors) == {"10", "3499"}
        assert result.validation_errors["10"]["input_values.image"].code == "VALUE_REQUIRED"
        assert len(result.items) == 3_498
        assert all(result.items[str(index)].input_values["image"] == image_url(index)
                   for index in range(3_499) if index != 10)
        assert len(pool_task_ids(client, pool_id)) == 3_498


def test_everything_invalid_raises_even_when_skipping(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    tasks = [talaka.Task(input_values={"image": "nope"}, pool_id=pool_id) for _ in range(3)]
    with pytest.raises(talaka.ValidationApiError) as refused:
        client.create_tasks(tasks, allow_defaults=True, skip_invalid_items=True)
    assert sorted(refused.value.payload) == ["0", "1", "2"]
    assert pool_task_ids(client, pool_id) == []


def test_a_pool_changed_after_the_check_keeps_what_was_created(server: ServerProcess) -> None:
    """The documented remaining guarantee: chunks before the change stay created, none after is sent."""
    admin = httpx.Client(base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {server.token}"})
    creates: Counter[str] = Counter()
    archived: list[str] = []

    def archive_before_the_third_create(request: httpx.Request) -> None:
        creating = request.url.path.endswith("/tasks") and b"dry_run" not in request.url.query
        if request.method == "POST" and creating:
            creates["sent"] += 1
            if creates["sent"] == 3 and not archived:
                archived.append(admin.post(f"/pools/{pool_id}/archive").json()["status"])

    client = talaka.Client(server.url, server.token, chunk_size=1_000, max_in_flight=1,
                           transport=_Hooked(httpx.HTTPTransport(), archive_before_the_third_create))
    pool_id = new_pool(client)
    with client, pytest.raises(talaka.ValidationApiError) as refused:
        client.create_tasks(image_tasks(pool_id, 5_000), allow_defaults=True)

    assert archived == ["SUCCESS"]
    assert creates["sent"] == 3, "no chunk is sent after the refused one"
    assert len(refused.value.payload) == 1_000
    assert refused.value.payload["2000"]["pool_id"].code == "POOL_INAPPROPRIATE_STATUS"
    created = refused.value.result
    assert created is not None and sorted(map(int, created.items)) == list(range(2_000))
    assert len(admin.get("/tasks", params={"pool_id": pool_id, "limit": 10_000}).json()["items"]) == 2_000
    admin.close()


class _Hooked(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, hook: Any) -> None:
        self.inner = inner
        self.hook = hook

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hook(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("async_mode", [True, False])
def test_calling_again_with_the_same_operation_id_creates_nothing_twice(server: ServerProcess,
                                                                       async_mode: bool) -> None:
    with talaka.Client(server.url, server.token, chunk_size=50) as client:
        pool_id = new_pool(client)
        tasks = image_tasks(pool_id, 120)
        operation_id = uuid.uuid4()
        first, again = (client.create_tasks(tasks, allow_defaults=True, operation_id=operation_id,
                                            async_mode=async_mode) for _ in range(2))
        assert again.items == first.items and len(first.items) == 120
        assert len(pool_task_ids(client, pool_id)) == 120


def test_sync_mode_sends_at_most_5000_tasks_a_request(server: ServerProcess) -> None:
    sizes: list[int] = []

    def count(request: httpx.Request) -> None:
        if request.method == "POST":
            sizes.append(request.content.count(b'"input_values"'))

    with talaka.Client(server.url, server.token, transport=_Hooked(httpx.HTTPTransport(), count)) as client:
        pool_id = new_pool(client)
        sizes.clear()
        result = client.create_tasks(image_tasks(pool_id, 12_000), allow_defaults=True, async_mode=False,
                                     skip_invalid_items=True)
    assert sorted(sizes) == [2_000, 5_000, 5_000]
    assert [result.items[str(index)].input_values["image"] for index in (0, 4_999, 5_000, 11_999)] == [
        image_url(index) for index in (0, 4_999, 5_000, 11_999)]


@pytest.mark.parametrize("async_mode", [True, False])
def test_create_task(client: talaka.Client, async_mode: bool) -> None:
    pool_id = new_pool(client, default_overlap=None)
    task = client.create_task(talaka.Task(input_values={"image": image_url(1)}, pool_id=pool_id, overlap=3),
                              async_mode=async_mode)
    assert task.id is not None and task.overlap == 3 and task.remaining_overlap == 3
    assert client.get_task(task.id) == task

    with pytest.raises(talaka.ValidationApiError) as refused:
        client.create_task({"pool_id": pool_id, "input_values": {"image": image_url(2)}},
                           async_mode=async_mode)
    assert refused.value.payload["overlap"].code == "VALUE_REQUIRED"


def test_create_tasks_async_starts_one_operation(client: talaka.Client) -> None:
    pool_id = new_pool(client)
    tasks = image_tasks(pool_id, 25_000)
    tasks[5] = talaka.Task(input_values={"image": "bad"}, pool_id=pool_id)
    operation = client.create_tasks_async(tasks, allow_defaults=True, skip_invalid_items=True)
    assert operation.type == "TASK.BATCH_CREATE"

    done = client.wait_operation(operation)
    assert done.status == "SUCCESS" and done.id == operation.id
    log = client.get_operation_log(done)
    assert len(log) == 25_000
    kinds = Counter((item.type, item.success) for item in log)
    assert kinds == {("TASK_CREATE", True): 24_999, ("TASK_VALIDATE", False): 1}
    created = next(item for item in log if item.success)
    assert client.get_task(created.output["task_id"]).input_values == created.input["input_values"]

    again = client.create_tasks_async(tasks, allow_defaults=True, skip_invalid_items=True,
                                      operation_id=operation.id)
    assert again.id == operation.id and again.status == "SUCCESS"
    assert len(pool_task_ids(client, pool_id)) == 24_999


def test_open_pool_opens_after_the_last_chunk(server: ServerProcess) -> None:
    with talaka.Client(server.url, server.token, chunk_size=100) as client:
        pool_id = new_pool(client)
        result = client.create_tasks(image_tasks(pool_id, 450), allow_defaults=True, open_pool=True)
        assert len(result.items) == 450
        assert client.get_pool(pool_id).status == "OPEN"


def test_progress_bar_on_request_and_off_by_default(client: talaka.Client,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    pool_id = new_pool(client)
    client.create_tasks(image_tasks(pool_id, 10), allow_defaults=True)
    assert capsys.readouterr().err == "", "stderr is not a terminal here"
    client.create_tasks(image_tasks(pool_id, 10, "bar"), allow_defaults=True, progress=True)
    shown = capsys.readouterr().err
    assert "creating" in shown and "100%" in shown and "tasks/s" in shown


def test_chunks_larger_than_the_servers_inline_size_are_polled(server: ServerProcess) -> None:
    polls: Counter[str] = Counter()

    def count(request: httpx.Request) -> None:
        path = request.url.path
        if request.method == "GET" and "/operations/" in path and not path.endswith("/log"):
            polls["operation"] += 1

    with talaka.Client(server.url, server.token, chunk_size=15_000,
                       transport=_Hooked(httpx.HTTPTransport(), count)) as client:
        pool_id = new_pool(client)
        result = client.create_tasks(image_tasks(pool_id, 20_000), allow_defaults=True,
                                     skip_invalid_items=True)
    assert len(result.items) == 20_000 and result.items["19999"].input_values["image"] == image_url(19_999)
    assert polls["operation"] >= 1, "the 15,000-task chunk runs in the background and is polled"


def test_no_tasks_make_an_empty_result(client: talaka.Client) -> None:
    assert client.create_tasks([]) == talaka.TaskBatchCreateResult()
