"""Prometheus metrics of server and worker processes, with `prometheus-client`.

Counters are counted in every process whether or not `/metrics` is served: an increment is a few
hundred nanoseconds, and a process cannot know in advance whether an operator will look. Under
`talaka serve --workers N`, every process writes its values to files in `PROMETHEUS_MULTIPROC_DIR`
(prometheus-client's multi-process mode; `serve` makes a fresh directory when the variable is not
set) and a scrape, whichever process answers it, sums them all. That variable must be set before
`prometheus_client` is first imported, which is why `talaka.cli` sets it before loading the app.

What the database knows (operations waiting and running) is read at scrape time, so it is right
however many processes there are.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
T = TypeVar("T")

REQUESTS = Counter("talaka_http_requests", "HTTP requests answered, by method, route template and status",
                   ["method", "route", "status"])
REQUEST_SECONDS = Histogram("talaka_http_request_duration_seconds",
                            "Time from a request's arrival to the end of its answer", ["method", "route"],
                            buckets=LATENCY_BUCKETS)
TASKS_CREATED = Counter("talaka_tasks_created", "Tasks and task suites written to pools")
QUOTA_REFUSALS = Counter("talaka_quota_refusals", "Task-creating requests refused by a quota (429)", ["window"])
DATABASE_SECONDS = Histogram("talaka_database_seconds",
                             "Time from asking the database to its answer, waiting for a connection included",
                             ["access"], buckets=LATENCY_BUCKETS)
SUITES_TAKEN = Counter("talaka_suites_taken", "Task suites issued to performers")
SUITES_SUBMITTED = Counter("talaka_suites_submitted", "Task suites submitted by performers")
SUITES_EXPIRED = Counter("talaka_suites_expired", "Task suites that expired before a submit")
POOLS_CLOSED = Counter("talaka_pools_closed", "Open pools closed by themselves, by reason", ["reason"])


def method_label(method: str) -> str:
    """Clients may send any method name; the label takes the known ones so it stays small."""
    return method if method in METHODS else "OTHER"


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method_label(method)
    REQUESTS.labels(method, route, str(status)).inc()
    REQUEST_SECONDS.labels(method, route).observe(seconds)


async def timed(access: str, pending: Awaitable[T]) -> T:
    """Await a database call and record how long it took (`access` is "read" or "write")."""
    started = time.perf_counter()
    try:
        return await pending
    finally:
        DATABASE_SECONDS.labels(access).observe(time.perf_counter() - started)


class _Operations(Collector):
    """Operations by state, as the database said just before the scrape."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def collect(self) -> Any:
        family = GaugeMetricFamily("talaka_operations", "Operations accepted and not finished, by status",
                                   labels=["status"])
        for status in ("PENDING", "RUNNING"):
            family.add_metric([status], self.counts.get(status, 0))
        yield family


def exposition(operation_counts: dict[str, int]) -> bytes:
    """The text a scrape gets: this process's metrics, or every process's in multi-process mode."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    extra = CollectorRegistry()
    extra.register(_Operations(operation_counts))
    return counted + generate_latest(extra)


