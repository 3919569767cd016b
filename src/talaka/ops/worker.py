"""`talaka worker`: a process that only runs background operations."""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

from talaka.config import Settings
from talaka.ops.creation import Creator
from talaka.ops.runner import Runner
from talaka.store import open_store

log = logging.getLogger("talaka.ops")


async def run_worker(settings: Settings) -> None:
    """Claim and run operations until SIGINT or SIGTERM; an interrupted operation is taken over
    by another runner when its lease expires."""
    store = open_store(settings.database_url, settings)
    await store.start()
    executor = ThreadPoolExecutor(2, thread_name_prefix="talaka-prepare")
    runner = Runner(Creator(store, executor), chunk_items=settings.operation_chunk_items,
                    lease_seconds=settings.operation_lease_seconds)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await runner.start()
    log.info("worker %s is running operations from %s", runner.lease.owner, settings.database_url.split("@")[-1])
    try:
        await stop.wait()
    finally:
        await runner.stop()
        executor.shutdown(wait=True)
        await store.close()
