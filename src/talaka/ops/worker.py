"""`talaka worker`: a process that only runs background work (operations and the work loop's sweeps)."""

from __future__ import annotations

import asyncio
import logging
import signal

from talaka.config import Settings
from talaka.ops.runner import build_runner
from talaka.ops.sweeper import Sweeper
from talaka.store import open_store

log = logging.getLogger("talaka.ops")


async def run_worker(settings: Settings) -> None:
    """Claim and run operations until SIGINT or SIGTERM; an interrupted operation is taken over
    by another runner when its lease expires."""
    store = open_store(settings.database_url, settings)
    await store.start()
    runner, executor = build_runner(store, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    sweeper = Sweeper(store)
    await runner.start()
    await sweeper.start()
    log.info("worker %s is running operations from %s", runner.lease.owner, settings.database_url.split("@")[-1])
    try:
        await stop.wait()
    finally:
        await sweeper.stop()
        await runner.stop()
        executor.shutdown(wait=True)
        await store.close()
