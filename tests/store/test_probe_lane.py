"""The engines' probe lane: a readiness query answers while every reader is busy.

A load balancer that polls `/ready` on a server whose reader threads (SQLite) or pooled
connections (PostgreSQL) are all taken by long page reads must still get its answer at once.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from talaka.store import postgres_engine, sqlite_engine
from talaka.store.dbapi import fetch_one
from tests.support.databases import BACKENDS, fresh_database

BUSY_READERS = 2


def _hold(conn: Any, released: threading.Event) -> None:
    """A read that keeps its thread and connection until the test lets it go."""
    conn.execute("SELECT 1").fetchone()
    released.wait(30)


def _engine(url: str) -> sqlite_engine.Engine | postgres_engine.Engine:
    if url.startswith("sqlite:///"):
        return sqlite_engine.Engine(url.removeprefix("sqlite:///"), readers=BUSY_READERS)
    return postgres_engine.Engine(url, connections=BUSY_READERS)


@pytest.mark.parametrize("backend", BACKENDS)
def test_probe_answers_while_every_reader_is_taken(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = _engine(url)
        engine.start()
        released = threading.Event()

        async def scenario() -> None:
            holders = [asyncio.ensure_future(engine.read(_hold, released)) for _ in range(BUSY_READERS)]
            await asyncio.sleep(0.2)
            queued = asyncio.ensure_future(engine.read(fetch_one, "SELECT 2", ()))
            try:
                assert await asyncio.wait_for(engine.probe(fetch_one, "SELECT 1", ()), 5) == (1,)
                await asyncio.sleep(0.2)
                assert not queued.done(), "the readers were not all taken: the test proves nothing"
            finally:
                released.set()
            assert await queued == (2,)
            await asyncio.gather(*holders)

        try:
            asyncio.run(scenario())
        finally:
            released.set()
            engine.close()
