"""PostgreSQL connections: a psycopg connection pool driven from a thread pool.

The store's functions are plain DB-API code shared with the SQLite backend, so they run on
threads here too; psycopg releases the GIL for every round trip and COPY, so N threads keep N
connections busy, which is what an async pool would do, without a second copy of every query.
Each job is one transaction: committed before its future resolves, rolled back on any error,
and retried when PostgreSQL reports a serialization failure or a deadlock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper, Loader
from psycopg_pool import ConnectionPool

from talaka.core.errors import StorageProblem
from talaka.store.schema import migration_scripts

log = logging.getLogger("talaka.store")
T = TypeVar("T")
MIGRATION_LOCK = 0x7A1A_4A
RETRIES = 5
PROBE_TIMEOUTS: dict[str, Any] = {"connect_timeout": 2, "tcp_user_timeout": 3000, "keepalives_idle": 2,
                                  "keepalives_interval": 1, "keepalives_count": 2,
                                  "options": "-c statement_timeout=2000 -c lock_timeout=1000"}
"""A check fails in seconds on a database the network lost (rather than at the kernel's TCP
timeout, minutes) or one that holds a lock it needs: every later check, and a shutdown, would
wait behind it."""


class JsonText(bytes):
    """JSON text bound to a jsonb parameter as it is, without a round trip through Python objects."""


class _JsonTextDumper(Dumper):
    def dump(self, obj: bytes) -> bytes:
        return obj


class _JsonBytesLoader(Loader):
    """jsonb columns come back as their JSON text, ready to be joined into a response."""

    def load(self, data: Any) -> bytes:
        return bytes(data)


def configure(conn: psycopg.Connection[Any]) -> None:
    """Each pooled connection: jsonb bodies as bytes, and no JIT compilation. Talaka's statements
    are short index probes; when a generic plan's row estimate is off (a table not analyzed yet),
    its cost passes `jit_above_cost` and every execution compiled code for milliseconds (the answers
    a submit reads for majority vote took 23 ms, 6 of them compiling, on a freshly grown table)."""
    jsonb = psycopg.adapters.types["jsonb"].oid
    _JsonTextDumper.oid = jsonb
    conn.adapters.register_dumper(JsonText, _JsonTextDumper)
    conn.adapters.register_loader("jsonb", _JsonBytesLoader)
    conn.execute("SET jit = off")
    conn.commit()


def migrate(conn: psycopg.Connection[Any]) -> int:
    """Apply new migrations under an advisory lock, so processes starting together take turns."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        current = int(row[0]) if row else 0
        for version, script in migration_scripts("postgres"):
            if version > current:
                conn.execute(script.encode())
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
                current = version
    return current


class ProbeConnection:
    """One autocommit connection for checks, opened on first use and again after any error, so a
    database that comes back is seen at the next check. Not thread-safe: one thread uses it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[Any] | None = None

    def run(self, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            try:
                return function(conn, *args)
            except psycopg.OperationalError:
                conn.close()  # maybe broken by an outage that is over: once more, on a new connection
        conn = self._conn = psycopg.connect(self.url, autocommit=True, **PROBE_TIMEOUTS)
        try:
            return function(conn, *args)
        except psycopg.Error:
            conn.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


class Engine:
    def __init__(self, url: str, *, connections: int = 8) -> None:
        self.url = url
        self.pool = ConnectionPool(url, min_size=1, max_size=connections, open=False, configure=configure,
                                   name="talaka")
        self.executor = ThreadPoolExecutor(connections, thread_name_prefix="talaka-postgres")
        self._prober = ThreadPoolExecutor(1, thread_name_prefix="talaka-postgres-probe")
        self._probe_connection = ProbeConnection(url)

    def start(self) -> None:
        self.pool.open(wait=True, timeout=30)
        with self.pool.connection() as conn:
            migrate(conn)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self._prober.shutdown(wait=True)
        self._probe_connection.close()
        self.pool.close()

    async def read(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._run, function, args)

    write = read

    async def probe(self, function: Callable[..., T], *args: Any) -> T:
        """A read on a connection of its own, outside the pool, for readiness checks: with every
        pooled connection busy a healthy server would otherwise look down to its load balancer."""
        return await asyncio.get_running_loop().run_in_executor(self._prober, self._probe_connection.run,
                                                                function, args)

    def _run(self, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        for attempt in range(RETRIES):
            try:
                with self.pool.connection() as conn:
                    return function(conn, *args)
            except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected) as exc:
                log.info("retrying a transaction (%s), attempt %d", type(exc).__name__, attempt + 1)
            except psycopg.OperationalError as exc:
                log.error("database error: %s", exc)
                raise StorageProblem(f"The database could not complete the request ({exc}); nothing of "
                                     "it was kept. Try again shortly.") from exc
        raise StorageProblem("The database kept refusing the request because of concurrent changes; "
                             "try again")
