"""Request quotas per requester, shared by every process on one database.

Each quota (a minute, a day) counts task-creating requests in fixed windows. The count lives in
the database so that all processes share it, but no request waits for the database: a process
reserves a block of requests at a time and admits from its block in memory. Blocks shrink near
the limit, so the requester as a whole never gets more than the limit; what a process reserved
and did not use before its window ended is simply not admitted (a quota can run short, never over).
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS_PER_WINDOW = 200


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    window_seconds: int
    name: str

    def window(self, now: float) -> int:
        """The number of the window `now` falls in."""
        return int(now // self.window_seconds)

    def reset_seconds(self, now: float) -> int:
        """Whole seconds until the next window starts (at least 1)."""
        return int((self.window(now) + 1) * self.window_seconds - now) + 1

    def block(self) -> int:
        """How many requests a process reserves at once."""
        return max(1, self.limit // BLOCKS_PER_WINDOW)


@dataclass(slots=True)
class _Allowance:
    window: int
    left: int
    used: int


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    quota: Quota
    remaining: int
    reset_seconds: int


class Allowances:
    """What this process may still admit, per requester and quota, from the blocks it reserved."""

    def __init__(self, quotas: list[Quota]) -> None:
        self.quotas = quotas
        self._allowances: dict[tuple[int, int], _Allowance] = {}

    def short(self, requester_id: int, now: float) -> list[int]:
        """Positions of the quotas whose current-window allowance is used up (they need a block)."""
        short = []
        for position, quota in enumerate(self.quotas):
            allowance = self._allowances.get((requester_id, position))
            if allowance is None or allowance.window != quota.window(now) or allowance.left <= 0:
                short.append(position)
        return short

    def add(self, requester_id: int, position: int, window: int, granted: int, used: int) -> None:
        """Record a reservation: `granted` more requests, `used` in the whole window so far."""
        allowance = self._allowances.get((requester_id, position))
        if allowance is None or allowance.window != window:
            allowance = self._allowances[(requester_id, position)] = _Allowance(window, 0, used)
        allowance.left += granted
        allowance.used = used

    def admit(self, requester_id: int, now: float) -> Verdict:
        """Admit one request if every quota has allowance left; the verdict names the tightest quota."""
        tightest: Verdict | None = None
        allowances = []
        for position, quota in enumerate(self.quotas):
            allowance = self._allowances.get((requester_id, position))
            window = quota.window(now)
            if allowance is None or allowance.window != window or allowance.left <= 0:
                return Verdict(False, quota, 0, quota.reset_seconds(now))
            remaining = quota.limit - allowance.used + allowance.left - 1
            if tightest is None or remaining < tightest.remaining:
                tightest = Verdict(True, quota, remaining, quota.reset_seconds(now))
            allowances.append(allowance)
        for allowance in allowances:
            allowance.left -= 1
        assert tightest is not None, "there is at least one quota"
        return tightest
