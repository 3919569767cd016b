"""What every route needs: the store, the settings, the rate limiter and the token cache."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from starlette.requests import Request

from talaka.api.auth import token_from_header, token_hash
from talaka.api.http import check_params
from talaka.config import Settings
from talaka.core.errors import AuthenticationProblem, TooManyRequestsProblem
from talaka.core.limits import Allowances, Quota
from talaka.store.base import Requester, Store

if TYPE_CHECKING:
    from talaka.ops.creation import Creator
    from talaka.ops.runner import Runner

TOKEN_CACHE_SIZE = 10_000
NO_PARAMS: frozenset[str] = frozenset()


class Api:
    def __init__(self, store: Store, settings: Settings, creator: Creator, runner: Runner) -> None:
        self.store = store
        self.settings = settings
        self.creator = creator
        self.runner = runner
        self.allowances = Allowances([Quota(settings.requests_per_minute, 60, "minute"),
                                      Quota(settings.requests_per_day, 86_400, "day")])
        self._tokens: OrderedDict[bytes, Requester] = OrderedDict()

    async def authenticate(self, request: Request) -> Requester:
        digest = token_hash(token_from_header(request.headers.get("authorization")))
        requester = self._tokens.get(digest)
        if requester is None:
            requester = await self.store.requester_for_token(digest)
            if requester is None:
                raise AuthenticationProblem("The token is not valid: check it, or create a new one with "
                                            "`talaka requester create NAME`")
            self._tokens[digest] = requester
            if len(self._tokens) > TOKEN_CACHE_SIZE:
                self._tokens.popitem(last=False)
        request.scope["state"]["requester_id"] = requester.id
        return requester

    async def count_create_request(self, requester: Requester) -> dict[str, str]:
        """Count one task-creating request; 429 past a quota. Returns the RateLimit-* headers.

        The count is shared through the store in blocks (see `talaka.core.limits`). No
        `Retry-After` header and no `payload.interval`: both crash toloka-kit 1.2.3 (spec decision
        6); the RateLimit-* headers and the payload say when to come back instead.
        """
        now = time.time()
        for position in self.allowances.short(requester.id, now):
            quota = self.allowances.quotas[position]
            window = quota.window(now)
            granted, used = await self.store.reserve_quota(requester.id, quota.name, window, quota.block(),
                                                           quota.limit)
            self.allowances.add(requester.id, position, window, granted, used)
        verdict = self.allowances.admit(requester.id, now)
        headers = {"RateLimit-Limit": str(verdict.quota.limit), "RateLimit-Remaining": str(verdict.remaining),
                   "RateLimit-Reset": str(verdict.reset_seconds)}
        if not verdict.allowed:
            raise TooManyRequestsProblem(
                f"Too many task-creating requests: the limit is {verdict.quota.limit} a {verdict.quota.name}. "
                f"Try again in {verdict.reset_seconds} s.",
                {"limit": verdict.quota.limit, "window": verdict.quota.name.upper(),
                 "reset_seconds": verdict.reset_seconds}, headers=headers)
        return headers


async def authorized(request: Request, params: frozenset[str] | None = NO_PARAMS) -> tuple[Api, Requester]:
    """The API and the requester a route serves; query parameters beyond `params` are refused.

    `params=None` leaves the query string to the route (searches and creates parse it themselves).
    """
    api: Api = request.app.state.api
    requester = await api.authenticate(request)
    if params is not None:
        check_params(request.query_params, params)
    return api, requester
