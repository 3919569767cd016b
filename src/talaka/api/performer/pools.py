"""The performer's own profile and the pools offered to them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talaka.api.http import json_value, page
from talaka.api.performer.context import may_work_in, performer_authorized
from talaka.core.filters import profile_values
from talaka.core.pool_plan import PoolPlan
from talaka.core.timefmt import now_text


async def me(request: Request) -> Response:
    _, performer = await performer_authorized(request)
    profile = performer.profile
    return json_value({"id": performer.id, "name": profile.name, "languages": list(profile.languages),
                       "country": profile.country, "adult_allowed": profile.adult_allowed})


async def offers(request: Request) -> Response:
    """Open pools this performer may work in and that still hold work they have not been given,
    by priority (highest first) then pool id."""
    api, performer = await performer_authorized(request)
    plans: list[PoolPlan] = []
    for pool_id, revision in await api.store.open_pools():
        plan = await api.plans.get(pool_id)
        if plan is not None and plan.revision != revision:
            plan = await api.plans.reload(pool_id)
        if plan is not None and may_work_in(performer, plan):
            plans.append(plan)
    with_work = await api.store.offers(performer.no, profile_values(performer.profile), plans, now_text())
    plans = sorted((plan for plan in plans if plan.pool_id in with_work), key=lambda plan: (-plan.priority,
                                                                                           plan.pool_id))
    return page((plan.offer_json for plan in plans), False)
