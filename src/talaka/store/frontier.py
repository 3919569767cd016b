"""Where each pool's open general tasks begin, as this process last saw it.

On PostgreSQL an update leaves the old row version's index entries behind until vacuum, so the
partial index of open tasks (`tasks_open`) fills with dead entries for every task already taken
to its overlap; a take that scanned it from the pool's start would step over all of them, and its
cost would grow with the work done. Takes start instead from the pool's frontier: the lowest open
seq. It is moved forward from where it was every tenth of a second (a read over the few entries
the frontier passed since), read again from the pool's start every few seconds (which finds what
other processes gave back), and lowered at once when this process gives overlap back (a skip or
an expiry). A take that falls short also looks below the frontier, so no open task is ever lost,
only taken a moment later.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

STEP_SECONDS = 0.1
FULL_SECONDS = 5.0


@dataclass(slots=True)
class _Start:
    after: int
    stepped: float
    read_whole: float


class Frontier:
    def __init__(self) -> None:
        self._starts: dict[int, _Start] = {}
        self._lock = threading.Lock()

    def due(self, pool_id: int) -> int | None:
        """Where to read the frontier from now: 0 (the pool's start), the current start, or None
        when the current start is fresh enough to use as it is."""
        entry = self._starts.get(pool_id)
        now = time.monotonic()
        if entry is None or now - entry.read_whole > FULL_SECONDS:
            return 0
        if now - entry.stepped > STEP_SECONDS:
            return entry.after
        return None

    def start(self, pool_id: int) -> int:
        entry = self._starts.get(pool_id)
        return entry.after if entry is not None else 0

    def remember(self, pool_id: int, read_from: int, lowest_open: int | None) -> None:
        """Record the lowest open seq read from `read_from` (None: nothing open from there)."""
        now = time.monotonic()
        with self._lock:
            entry = self._starts.get(pool_id)
            if read_from == 0 or entry is None:
                after = lowest_open - 1 if lowest_open is not None else 0
                self._starts[pool_id] = _Start(after, now, now)
            elif lowest_open is not None:
                entry.after, entry.stepped = max(entry.after, lowest_open - 1), now
            else:
                entry.read_whole = 0.0  # nothing open past the frontier: read the whole pool next

    def lower(self, pool_id: int, seq: int) -> None:
        """Overlap of task `seq` was given back here: takes must see it again."""
        with self._lock:
            entry = self._starts.get(pool_id)
            if entry is not None and seq <= entry.after:
                entry.after = seq - 1
