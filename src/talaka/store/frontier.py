"""Where each pool's open general tasks begin, as this process last saw it.

On PostgreSQL an update leaves the old row version's index entries behind until vacuum, so the
partial index of open tasks (`tasks_open`) fills with dead entries for every task already taken
to its overlap; a take that scanned it from the pool's start would step over all of them, and its
cost would grow with the work done. Takes start instead from the pool's frontier: the lowest open
seq, read at most once a second per pool and process (that read pays for the dead entries once),
and lowered at once when this process gives overlap back (a skip or an expiry). What another
process gives back is found by the next refresh, or by a take that falls short and looks below
the frontier, so no open task is ever lost, only taken a moment later.
"""

from __future__ import annotations

import threading
import time

REFRESH_SECONDS = 1.0


class Frontier:
    def __init__(self) -> None:
        self._starts: dict[int, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def known(self, pool_id: int) -> int | None:
        """The seq open tasks start after, if read within the last second."""
        entry = self._starts.get(pool_id)
        if entry is None or time.monotonic() - entry[1] > REFRESH_SECONDS:
            return None
        return entry[0]

    def remember(self, pool_id: int, lowest_open: int | None) -> int:
        """Record the lowest open seq just read (None: nothing open); return the seq to start after."""
        start = (lowest_open - 1) if lowest_open is not None else 0
        with self._lock:
            self._starts[pool_id] = (start, time.monotonic())
        return start

    def lower(self, pool_id: int, seq: int) -> None:
        """Overlap of task `seq` was given back here: takes must see it again."""
        with self._lock:
            entry = self._starts.get(pool_id)
            if entry is not None and seq <= entry[0]:
                self._starts[pool_id] = (seq - 1, entry[1])
