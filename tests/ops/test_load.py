"""Sustained load on one server: 8 uploaders and 50 readers for TALAKA_LOAD_SECONDS (60 by default).

Each uploader sends async creates of 10,000 tasks, one after another, each with its own
operation_id and inputs no other request has, and follows each operation until it has finished.
Each reader pages through the pool the way toloka-kit does (`sort=id`, `id_gt` = the last id of the
page before) and starts over at the end. The quotas are raised so that they never bind. The test
holds the server to three things:

- no answer but the expected one (202 for a create, 200 for a read) or 429, and no transport error;
- every accepted task stored exactly once: each operation created what it was sent, the pool holds
  exactly their sum, and every stored input is one that was sent, once (`count_stored`);
- no leak: the server's resident memory is flat once it is warm (`assert_memory_is_flat`);
- health checks that never say a busy server is down: `/health` on the server's port, `/health`
  and `/ready` on its health port answer 200 throughout (`watch_health`).

On two cores a 60 s run stores 4 to 6 million tasks per backend and takes about two minutes.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import msgspec
import pytest

from tests.support.api import client, make_pool
from tests.support.server import ServerProcess, free_port

SECONDS = float(os.environ.get("TALAKA_LOAD_SECONDS", "60"))
UPLOADERS = 8
READERS = 50
TASKS_PER_REQUEST = 10_000
PAGE = 1_000
WINDOW = 100_000
MAX_ROUNDS = 10_000
KB_PER_MB = 1024
ENV = {"TALAKA_REQUESTS_PER_MINUTE": "1000000", "TALAKA_REQUESTS_PER_DAY": "100000000"}


class TaskId(msgspec.Struct):
    id: str


class Page(msgspec.Struct):
    items: list[TaskId]
    has_more: bool


class Image(msgspec.Struct):
    image: str


class TaskInput(msgspec.Struct):
    id: str
    input_values: Image


class InputPage(msgspec.Struct):
    items: list[TaskInput]
    has_more: bool


class Operation(msgspec.Struct):
    id: str
    status: str
    details: dict[str, int] = {}


@dataclass
class Tally:
    """What the run did and what went wrong; `created` is keyed by (uploader, round)."""

    creates: int = 0
    reads: int = 0
    throttled: int = 0
    faults: list[str] = field(default_factory=list)
    created: dict[tuple[int, int], int] = field(default_factory=dict)
    rss_kb: list[int] = field(default_factory=list)


def image(uploader_no: int, round_no: int, number: int) -> str:
    return f"https://example.com/load/{uploader_no}/{round_no}/{number}.png"


def upload_body(pool_id: str, uploader_no: int, round_no: int) -> bytes:
    return ("[" + ",".join(
        f'{{"pool_id":"{pool_id}","input_values":{{"image":"{image(uploader_no, round_no, number)}"}}}}'
        for number in range(TASKS_PER_REQUEST)) + "]").encode()


async def upload(api: httpx.AsyncClient, pool_id: str, uploader_no: int, deadline: float,
                 tally: Tally) -> None:
    """Async creates of 10,000 new tasks until the deadline; a 429 is sent again after a pause."""
    for round_no in range(MAX_ROUNDS):
        if time.monotonic() >= deadline:
            return
        body = upload_body(pool_id, uploader_no, round_no)
        operation_id = str(uuid.uuid4())
        params = {"operation_id": operation_id, "async_mode": "true", "allow_defaults": "true"}
        for _ in range(100):
            tally.creates += 1
            answer = await api.post("/tasks", content=body, params=params,
                                    headers={"Content-Type": "application/json"})
            if answer.status_code != 429:
                break
            tally.throttled += 1
            await asyncio.sleep(0.5)
        if answer.status_code != 202:
            tally.faults.append(f"create {operation_id}: {answer.status_code} {answer.text:.200}")
            return
        operation = msgspec.json.decode(answer.content, type=Operation)
        for _ in range(600):
            if operation.status not in ("PENDING", "RUNNING"):
                break
            await asyncio.sleep(0.2)
            polled = await api.get(f"/operations/{operation_id}")
            if polled.status_code != 200:
                tally.faults.append(f"operation {operation_id}: {polled.status_code} {polled.text:.200}")
                return
            operation = msgspec.json.decode(polled.content, type=Operation)
        if operation.status != "SUCCESS" or operation.details.get("created_count") != TASKS_PER_REQUEST:
            tally.faults.append(f"operation {operation_id} ended {operation.status} {operation.details}")
            return
        tally.created[uploader_no, round_no] = TASKS_PER_REQUEST


async def read(api: httpx.AsyncClient, pool_id: str, deadline: float, tally: Tally) -> None:
    """Page through the pool by id again and again; each page must be in order and after `id_gt`."""
    params: dict[str, str | int] = {"pool_id": pool_id, "sort": "id", "limit": PAGE}
    while time.monotonic() < deadline:
        tally.reads += 1
        answer = await api.get("/tasks", params=params)
        if answer.status_code != 200:
            tally.faults.append(f"read {params}: {answer.status_code} {answer.text:.200}")
            return
        page = msgspec.json.decode(answer.content, type=Page)
        ids = [item.id for item in page.items]
        if ids != sorted(set(ids)) or len(ids) > PAGE or (ids and ids[0] <= str(params.get("id_gt", ""))):
            tally.faults.append(f"read {params}: a page out of order, repeated or too long")
            return
        if page.has_more:
            params["id_gt"] = ids[-1]
        else:
            params.pop("id_gt", None)
            await asyncio.sleep(0.05)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"process {pid} has no VmRSS")


async def sample_memory(pid: int, deadline: float, tally: Tally) -> None:
    """The server's resident memory once a second, from the start to the deadline."""
    next_sample = time.monotonic()
    while next_sample <= deadline:
        try:
            tally.rss_kb.append(rss_kb(pid))
        except FileNotFoundError:
            tally.faults.append("the server process exited")
            return
        next_sample += 1
        await asyncio.sleep(max(0.0, next_sample - time.monotonic()))


async def watch_health(server: ServerProcess, deadline: float, tally: Tally) -> None:
    """Poll as a load balancer does, twice a second: the server port's `/health` and the health
    port's `/health` and `/ready` must never call a busy server down (how fast they answer is
    bench/health.py's to say). The server port's `/ready` is left out: its 2 s database check
    shares the busy process, which is why the health port exists."""
    health_port = f"http://127.0.0.1:{server.health_port}"
    polled = [server.url + "/health", health_port + "/health", health_port + "/ready"]
    async with httpx.AsyncClient(timeout=30) as http:
        while time.monotonic() < deadline:
            for url in polled:
                answer = await http.get(url)
                if answer.status_code != 200:
                    tally.faults.append(f"{url} answered {answer.status_code}: {answer.text}")
            await asyncio.sleep(0.5)


async def guarded(work: Awaitable[None], tally: Tally) -> None:
    """Any transport error (a refused or reset connection, a timeout) is a fault, not a crash of the run."""
    try:
        await work
    except httpx.HTTPError as error:
        tally.faults.append(f"transport error: {error!r}")


async def run_load(server: ServerProcess, pool_id: str, tally: Tally) -> None:
    assert server.process is not None
    deadline = time.monotonic() + SECONDS
    limits = httpx.Limits(max_connections=UPLOADERS + READERS, max_keepalive_connections=UPLOADERS + READERS)
    async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=120, limits=limits,
                                 headers={"Authorization": f"OAuth {server.token}"}) as api:
        await asyncio.gather(
            sample_memory(server.process.pid, deadline, tally),
            guarded(watch_health(server, deadline, tally), tally),
            *(guarded(upload(api, pool_id, number, deadline, tally), tally) for number in range(UPLOADERS)),
            *(guarded(read(api, pool_id, deadline, tally), tally) for _ in range(READERS)))


def count_stored(server: ServerProcess, pool_id: str, created: set[tuple[int, int]]) -> Counter[str]:
    """Sort every stored input: sent and stored once (`stored`), stored again (`duplicate`), never
    sent (`unknown`); `missing` counts what was sent but is not there. One bit array per create
    request keeps this cheap for millions of tasks.

    The pool is read in windows of WINDOW sequence numbers (`id_gt` and `id_lte`; a task id is
    `%010x--%024x` of pool id and sequence, spec decision 8), not by `id_gt` alone: both backends
    answer a plain `id_gt` page in time that grows with the cursor's position (see
    docs/reliability.md), which would make this check quadratic in the pool's size.
    """
    marks = {key: bytearray(TASKS_PER_REQUEST) for key in created}
    found: Counter[str] = Counter()
    with client(server.url, server.token) as api, ThreadPoolExecutor(1) as prefetch:
        last = api.get("/tasks", params={"pool_id": pool_id, "sort": "-id", "limit": 1}).json()["items"]
        last_seq = int(last[0]["id"].split("--")[1], 16) if last else 0

        def window(low: int) -> httpx.Response:
            after, upto = (f"{int(pool_id):010x}--{seq:024x}" for seq in (low, low + WINDOW))
            return api.get("/tasks", params={"pool_id": pool_id, "sort": "id", "limit": WINDOW,
                                             "id_gt": after, "id_lte": upto})

        lows = range(0, last_seq, WINDOW)
        coming = prefetch.submit(window, lows[0]) if lows else None
        for position in range(len(lows)):
            assert coming is not None
            answer = coming.result()
            coming = prefetch.submit(window, lows[position + 1]) if position + 1 < len(lows) else None
            assert answer.status_code == 200, answer.text
            page = msgspec.json.decode(answer.content, type=InputPage)
            assert not page.has_more, "a window of sequence numbers cannot hold more tasks than its width"
            for item in page.items:
                *_, uploader_no, round_no, name = item.input_values.image.split("/")
                sent = marks.get((int(uploader_no), int(round_no)))
                number = int(name.removesuffix(".png"))
                if sent is None:
                    found["unknown"] += 1
                elif sent[number]:
                    found["duplicate"] += 1
                else:
                    sent[number] = 1
                    found["stored"] += 1
        counts = api.get(f"/pools/{pool_id}/counts").json()
    found["missing"] = sum(sent.count(0) for sent in marks.values())
    found["counted by the pool"] = counts["task_count"]
    return found


def assert_memory_is_flat(samples_kb: list[int]) -> None:
    """The last third's peak RSS is at most the middle third's peak plus a quarter of it or 50 MB.

    The first third is warm-up (imports, connection pools, SQLite's page caches filling up,
    allocator arenas for the executor threads) and is left out. After it every cache is full and
    each request's memory is freed when it ends, so the peak only moves with how many of the 8
    uploads happen to overlap, which both thirds see alike. A leak of even 1 kB per stored task
    (or one request body per create) grows the RSS by hundreds of MB a minute and fails this; the
    margin is wide enough that allocator noise never does. Peaks are compared, not averages, so
    one sample caught between two large requests does not decide.
    """
    third = len(samples_kb) // 3
    assert third >= 3, f"too few RSS samples to judge: {samples_kb}"
    middle, last = (max(samples_kb[third:2 * third]) // KB_PER_MB, max(samples_kb[2 * third:]) // KB_PER_MB)
    allowed = max(middle // 4, 50)
    assert last <= middle + allowed, (
        f"RSS grew from a peak of {middle} MB to {last} MB (allowed: {allowed} MB more); "
        f"samples in MB: {[sample // KB_PER_MB for sample in samples_kb]}")


@pytest.mark.slow
@pytest.mark.timeout(SECONDS + 240)
def test_uploads_and_reads_under_load(own_server: ServerProcess) -> None:
    own_server.env |= ENV
    own_server.health_port = free_port()
    own_server.start()
    with client(own_server.url, own_server.token) as api:
        pool_id = make_pool(api)
    tally = Tally()
    asyncio.run(run_load(own_server, pool_id, tally))
    total = sum(tally.created.values())
    loaded = time.monotonic()
    found = count_stored(own_server, pool_id, set(tally.created))
    print(f"\n{own_server.database_url.split(':')[0]}: {SECONDS:.0f} s, {tally.creates} creates "
          f"({tally.throttled} answered 429), {tally.reads} reads, {total} tasks created, "
          f"{len(tally.faults)} faults, checked in {time.monotonic() - loaded:.0f} s: {dict(found)}; "
          f"RSS in MB: {[kb // KB_PER_MB for kb in tally.rss_kb]}")
    assert tally.faults == []
    assert total >= TASKS_PER_REQUEST * UPLOADERS, "every uploader should have finished one create at least"
    assert found == Counter({"stored": total, "counted by the pool": total})
    assert_memory_is_flat(tally.rss_kb)
