"""Pool statistics (`get_analytics`), and `wait_pool`, whose progress bar reads a pool's completion.

Flows of the core (see `_core`), without I/O. Statistics are computed by an `ANALYTICS`
operation: `details.value` holds one entry per request, `{"request": {...}, "result": ...}`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Final

import msgspec

from talaka.client._core import (
    OPERATION_TIMEOUT,
    Call,
    Flow,
    Settings,
    Sleep,
    decode,
    encode,
    get_pool,
    send,
    wait_operation,
)
from talaka.client._exceptions import TalakaError
from talaka.client._models import Operation, Pool
from talaka.client._progress import Progress
from talaka.client._types import AnalyticsRequest

ANALYTICS_PATH: Final = "/staging/analytics-2"
FINISHED_STATUSES: Final = frozenset({"CLOSED", "ARCHIVED"})
COMPLETION: Final = "completion_percentage"


class _Entry(msgspec.Struct):
    result: Any = None
    request: dict[str, Any] = {}


class _Details(msgspec.Struct):
    value: list[_Entry] = []


def get_analytics(stats: Sequence[AnalyticsRequest], settings: Settings) -> Flow[Operation]:
    """Start computing `stats` (read-only, so safe to repeat); the operation holds the results once done."""
    reply = yield from send(Call("POST", ANALYTICS_PATH, body=encode(list(stats))), settings)
    return decode(reply, Operation)


def result_of(operation: Operation, name: str) -> Any:
    """The result of the statistic `name` in a finished analytics operation."""
    details = msgspec.convert(operation.details, _Details)
    for entry in details.value:
        if entry.request.get("name") == name:
            return entry.result
    raise TalakaError(f"analytics operation {operation.id} has no result for {name}")


def completion_percentage(pool_id: str, settings: Settings) -> Flow[float]:
    """How much of the pool is done, 0 to 100."""
    request = {"subject": "POOL", "subject_id": pool_id, "name": COMPLETION}
    operation = yield from get_analytics([request], settings)
    operation = yield from wait_operation(operation, OPERATION_TIMEOUT, settings)
    operation.raise_on_fail()
    result = result_of(operation, COMPLETION)
    return float(result["value"] if isinstance(result, dict) else result)


def wait_pool(pool_id: str, poll_seconds: float, timeout: float | None, progress: Progress,
              settings: Settings) -> Flow[Pool]:
    """Poll the pool every `poll_seconds` until it is CLOSED (or ARCHIVED) and return it.

    While the bar is shown, each poll also reads the completion percentage for it. Raises
    `TimeoutError` when `timeout` seconds pass first; None waits as long as it takes.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    progress.start(f"pool {pool_id}", 100, unit="%")
    try:
        while True:
            pool = yield from get_pool(pool_id, settings)
            if pool.status in FINISHED_STATUSES:
                if pool.last_close_reason == "COMPLETED":
                    progress.reach(100)
                return pool
            if progress.enabled:
                progress.reach((yield from completion_percentage(pool_id, settings)))
            pause = poll_seconds
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"pool {pool_id} is still {pool.status} after {timeout} s")
                pause = min(pause, left)
            yield Sleep(pause)
    finally:
        progress.close()
