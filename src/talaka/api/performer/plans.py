"""Compiled pool plans, kept per process and checked against the pool's revision on every write."""

from __future__ import annotations

from collections import OrderedDict

from talaka.core.pool_plan import PoolPlan, compile_plan
from talaka.store.base import Store

MAX_PLANS = 10_000


class PlanCache:
    """`PoolPlan`s by pool id. A cached plan may be stale; the store's writes compare its revision
    with the pool's and raise `StalePlan`, and the caller then calls `reload`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._plans: OrderedDict[int, PoolPlan] = OrderedDict()

    async def get(self, pool_id: int) -> PoolPlan | None:
        plan = self._plans.get(pool_id)
        if plan is not None:
            self._plans.move_to_end(pool_id)
            return plan
        return await self.reload(pool_id)

    async def reload(self, pool_id: int) -> PoolPlan | None:
        source = await self.store.pool_source(pool_id)
        if source is None:
            self._plans.pop(pool_id, None)
            return None
        plan = compile_plan(source.pool_id, source.project_id, source.requester_id, source.revision,
                            source.pool_body, source.project_body, source.requester_name)
        self._plans[pool_id] = plan
        if len(self._plans) > MAX_PLANS:
            self._plans.popitem(last=False)
        return plan
