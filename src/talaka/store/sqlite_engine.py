"""SQLite connections: one writer thread with group commit, and a pool of reader threads.

SQLite allows one writer at a time, so every write goes through one thread that owns one
connection. The thread takes all the jobs that are waiting, runs each in its own savepoint (a job
alone needs none) inside one `BEGIN IMMEDIATE` transaction, and commits once: many small requests
share one commit (and one fsync), and a failing job rolls back only itself. A job's future
resolves only after the commit, so a 2xx answer always means the data is on disk. Readers use
their own connections, which WAL lets run beside the writer.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from talaka.core.errors import StorageProblem
from talaka.store.schema import migration_scripts

log = logging.getLogger("talaka.store")
T = TypeVar("T")
MAX_JOBS_PER_COMMIT = 256


SYNCHRONOUS_MODES = ("FULL", "NORMAL", "EXTRA")


def connect(path: str, *, readonly: bool = False, synchronous: str = "FULL") -> sqlite3.Connection:
    """A connection in WAL mode; `synchronous=FULL` makes every commit survive a power cut.

    NORMAL is faster for many tiny commits and still survives a crash of the server process,
    but may lose the last commits if the machine itself loses power.
    """
    if synchronous not in SYNCHRONOUS_MODES:
        raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}, got {synchronous!r}")
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the numbered migrations that this database has not seen; return the version.

    All in one `BEGIN IMMEDIATE` transaction, so processes starting together on one file take
    turns: the second finds the work done.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        for version, script in migration_scripts("sqlite"):
            if version > current:
                for statement in script.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                current = version
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return int(current)


class WriteJob:
    __slots__ = ("function", "args", "future", "loop")

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...],
                 future: asyncio.Future[Any], loop: asyncio.AbstractEventLoop) -> None:
        self.function = function
        self.args = args
        self.future = future
        self.loop = loop


class Engine:
    """Runs write jobs on the writer thread and reads on reader threads, for async callers."""

    def __init__(self, path: str, *, synchronous: str = "FULL", readers: int = 4) -> None:
        self.path = path
        self.writer = connect(path, synchronous=synchronous)
        migrate(self.writer)
        self._jobs: queue.SimpleQueue[WriteJob | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write_loop, name="talaka-sqlite-writer", daemon=True)
        self._local = threading.local()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="talaka-sqlite-reader")
        self._prober = ThreadPoolExecutor(1, thread_name_prefix="talaka-sqlite-probe")
        self._reader_connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        self._readers.shutdown(wait=True)
        self._prober.shutdown(wait=True)
        for conn in self._reader_connections:
            conn.close()
        self.writer.close()

    async def write(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(WriteJob(function, args, future, loop))
        return await future

    async def read(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read, function, args)

    async def probe(self, function: Callable[..., T], *args: Any) -> T:
        """A read on its own thread and connection, for readiness checks: a queue of page reads
        in front of it would make a busy server look down to its load balancer."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._prober, self._read, function, args)

    def _read(self, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, readonly=True)
            self._local.conn = conn
            with self._lock:
                self._reader_connections.append(conn)
        conn.execute("BEGIN")
        try:
            return function(conn, *args)
        finally:
            conn.execute("COMMIT")

    def _write_loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            jobs = [job]
            while len(jobs) < MAX_JOBS_PER_COMMIT:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._jobs.put(None)
                    break
                jobs.append(more)
            self._commit(jobs)

    def _commit(self, jobs: list[WriteJob]) -> None:
        conn = self.writer
        outcomes: list[tuple[WriteJob, Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            alone = len(jobs) == 1
            for job in jobs:
                if not alone:
                    conn.execute("SAVEPOINT job")
                try:
                    result = job.function(conn, *job.args)
                except Exception as exc:  # the job's own failure is its caller's answer
                    conn.execute("ROLLBACK" if alone else "ROLLBACK TO job")
                    outcomes.append((job, None, _storage_error(exc)))
                else:
                    outcomes.append((job, result, None))
                if not alone:
                    conn.execute("RELEASE job")
            if conn.in_transaction:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            log.error("commit failed, %d jobs rolled back: %s", len(jobs), exc)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            failure = _storage_error(exc)
            outcomes = [(job, None, failure) for job in jobs]
        for job, result, error in outcomes:
            job.loop.call_soon_threadsafe(_resolve, job.future, result, error)


def _storage_error(exc: Exception) -> Exception:
    if isinstance(exc, sqlite3.OperationalError):
        log.error("database error: %s", exc)
        return StorageProblem(f"The database could not save the request ({exc}); nothing of it was kept. "
                              "Try again once the server's disk has room.")
    return exc


def _resolve(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
