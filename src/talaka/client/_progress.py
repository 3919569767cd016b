"""The progress bar of long calls: tasks (or percent) done of the total, rate and time left, on stderr.

tqdm is imported only when a bar is shown, so `import talaka` stays cheap.
"""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """A bar that is there when `enabled` (None: when stderr is a terminal) and a no-op otherwise."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Any = None

    def start(self, description: str, total: int | None, unit: str = " tasks") -> None:
        """Begin a phase (e.g. "checking", then "creating"), replacing the bar of the one before."""
        if not self.enabled:
            return
        from tqdm import tqdm  # type: ignore[import-untyped]

        self.close()
        self._bar = tqdm(total=total, desc=description, unit=unit, unit_scale=True, dynamic_ncols=True,
                         file=sys.stderr, smoothing=0.1)

    def advance(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def reach(self, done: float) -> None:
        """Show `done` of the total, forwards or back (a pool that got more tasks is less complete)."""
        if self._bar is not None:
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
