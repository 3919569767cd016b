"""Request quotas per requester: fixed windows of a minute and of a day.

Fixed windows cost one dict lookup and two integer additions per request, and make the reset
time exact to tell the client (`RateLimit-Reset`). The counter state lives in memory; a backend
shared by several processes reconciles it through the store (see `store`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    window_seconds: int
    name: str


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    quota: Quota
    remaining: int
    reset_seconds: int


class RateLimiter:
    """Counts requests per requester in every quota's current window."""

    def __init__(self, quotas: list[Quota]) -> None:
        self.quotas = quotas
        self._counts: dict[tuple[int, int], tuple[int, int]] = {}

    def hit(self, requester_id: int, now: float) -> Verdict:
        """Count one request; refuse it (without counting) when any quota is exhausted.

        The verdict names the quota closest to refusing, so the headers tell the truth about the
        tightest limit.
        """
        tightest: Verdict | None = None
        windows: list[tuple[tuple[int, int], int, int]] = []
        for position, quota in enumerate(self.quotas):
            window = int(now // quota.window_seconds)
            key = (requester_id, position)
            stored_window, count = self._counts.get(key, (window, 0))
            if stored_window != window:
                count = 0
            reset = int((window + 1) * quota.window_seconds - now) + 1
            if count >= quota.limit:
                return Verdict(False, quota, 0, reset)
            verdict = Verdict(True, quota, quota.limit - count - 1, reset)
            if tightest is None or verdict.remaining < tightest.remaining:
                tightest = verdict
            windows.append((key, window, count + 1))
        for key, window, count in windows:
            self._counts[key] = (window, count)
        assert tightest is not None, "a limiter needs at least one quota"
        return tightest
