"""The work loop's clock: expiry, automatic acceptance and pools that close themselves.

Nothing in the work loop waits for a request to notice that time has passed. Every process that
runs background work sweeps twice a second: ACTIVE assignments past their deadline expire (their
overlap is free again), SUBMITTED ones past `auto_accept_period_day` are accepted, and open pools
that are done (or past `will_expire`) close. Each step is a conditional update, so any number of
processes can sweep one database: a row moves once, whoever gets there first.
"""

from __future__ import annotations

import asyncio
import logging

from talaka import metrics
from talaka.core.errors import StorageProblem
from talaka.core.timefmt import now_text
from talaka.store.base import Store

log = logging.getLogger("talaka.ops")
SWEEP_SECONDS = 0.5


class Sweeper:
    def __init__(self, store: Store, period: float = SWEEP_SECONDS) -> None:
        self.store = store
        self.period = period
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="talaka-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def sweep(self) -> None:
        """One pass; a full batch of expiries or acceptances is followed by another at once."""
        while True:
            expired = await self.store.expire_due(now_text())
            metrics.SUITES_EXPIRED.inc(expired)
            if not expired and not await self.store.accept_due(now_text()):
                break
        for pool_id, reason in await self.store.close_finished_pools(now_text()):
            metrics.POOLS_CLOSED.labels(reason).inc()
            log.info("pool %d closed: %s", pool_id, reason)

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except StorageProblem:
                log.warning("sweep failed on a database error; trying again", exc_info=True)
            except Exception:
                log.exception("sweep failed")
            await asyncio.sleep(self.period)
