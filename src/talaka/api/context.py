"""What every route needs: the store, the settings, the rate limiter and the token cache."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from talaka import metrics
from talaka.api.auth import token_from_header, token_hash
from talaka.api.http import check_params
from talaka.api.performer.plans import PlanCache
from talaka.config import Settings
from talaka.core.errors import AccessDeniedProblem, AuthenticationProblem, TooManyRequestsProblem
from talaka.core.limits import Allowances, Quota
from talaka.store.base import Requester, Store
from talaka.store.work_records import PerformerRecord

if TYPE_CHECKING:
    from talaka.ops.creation import Creator
    from talaka.ops.runner import Runner

TOKEN_CACHE_SIZE = 10_000
EPOCH_SECONDS = 0.5
"""How stale a process's token cache may be after a revoke or a disable elsewhere: at most this long
(plus one request), which keeps a rotation inside the one second operators are promised."""
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
        self._performer_tokens: OrderedDict[bytes, PerformerRecord] = OrderedDict()
        self._epoch: int | None = None
        self._epoch_read_at = -EPOCH_SECONDS
        self.plans = PlanCache(store)

    async def _forget_stale_tokens(self) -> None:
        """Drop the token caches when an account change (a revoke, a rotation, a disable) happened
        in any process since this one last looked, which it does at most every `EPOCH_SECONDS`."""
        now = time.monotonic()
        if now - self._epoch_read_at < EPOCH_SECONDS:
            return
        self._epoch_read_at = now
        epoch = await self.store.account_epoch()
        if epoch != self._epoch:
            self._tokens.clear()
            self._performer_tokens.clear()
            self._epoch = epoch

    async def authenticate(self, request: Request) -> Requester:
        digest = token_hash(token_from_header(request.headers.get("authorization")))
        await self._forget_stale_tokens()
        requester = self._tokens.get(digest)
        if requester is None:
            requester = await self.store.requester_for_token(digest)
            if requester is None:
                if digest in self._performer_tokens or await self.store.is_performer_token(digest):
                    raise AccessDeniedProblem(
                        "This endpoint takes a requester's token, and this is a performer's token: "
                        "performers work through the performer API under /api/performer/v1")
                await self._explain_refusal("requester", digest)
                raise AuthenticationProblem("The token is not valid: check it, or create a new one with "
                                            "`talaka requester create NAME`")
            _remember(self._tokens, digest, requester)
        request.scope["state"]["requester_id"] = requester.id
        return requester

    async def _explain_refusal(self, kind: str, digest: bytes) -> None:
        """A 401 that says the token was revoked or its account disabled, when that is why."""
        state = await self.store.token_state(kind, digest)
        if state is None:
            return
        if state.revoked is not None:
            raise AuthenticationProblem(
                f"This token was revoked on {state.revoked} (its label: {state.label}): use the {kind}'s new "
                f"token, or ask the operator for one (`talaka {kind} token {state.account} --add LABEL`)")
        if state.disabled is not None:
            raise AuthenticationProblem(
                f"The {kind} account {state.account!r} was disabled on {state.disabled}: ask the operator "
                f"to enable it (`talaka {kind} enable {state.account}`)")

    async def authenticate_performer(self, request: Request) -> PerformerRecord:
        digest = token_hash(token_from_header(request.headers.get("authorization")))
        await self._forget_stale_tokens()
        performer = self._performer_tokens.get(digest)
        if performer is None:
            performer = await self.store.performer_for_token(digest)
            if performer is None:
                if digest in self._tokens or await self.store.requester_for_token(digest) is not None:
                    raise AccessDeniedProblem(
                        "This endpoint takes a performer's token, and this is a requester's token: "
                        "requesters use the Toloka API under /api/v1 (create performers with "
                        "`talaka performer create NAME`)")
                await self._explain_refusal("performer", digest)
                raise AuthenticationProblem("The token is not valid: check it, or create a performer with "
                                            "`talaka performer create NAME`")
            _remember(self._performer_tokens, digest, performer)
        request.scope["state"]["requester_id"] = f"performer:{performer.id}"
        return performer

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
            metrics.QUOTA_REFUSALS.labels(verdict.quota.name).inc()
            raise TooManyRequestsProblem(
                f"Too many task-creating requests: the limit is {verdict.quota.limit} a {verdict.quota.name}. "
                f"Try again in {verdict.reset_seconds} s.",
                {"limit": verdict.quota.limit, "window": verdict.quota.name.upper(),
                 "reset_seconds": verdict.reset_seconds}, headers=headers)
        return headers


def _remember(cache: OrderedDict[bytes, Any], digest: bytes, value: Any) -> None:
    cache[digest] = value
    if len(cache) > TOKEN_CACHE_SIZE:
        cache.popitem(last=False)


async def authorized(request: Request, params: frozenset[str] | None = NO_PARAMS) -> tuple[Api, Requester]:
    """The API and the requester a route serves; query parameters beyond `params` are refused.

    `params=None` leaves the query string to the route (searches and creates parse it themselves).
    """
    api: Api = request.app.state.api
    requester = await api.authenticate(request)
    if params is not None:
        check_params(request.query_params, params)
    return api, requester
