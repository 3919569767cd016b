"""How Talaka's long-running processes end on SIGTERM (systemd's stop, `docker stop`)."""

from __future__ import annotations

import signal
from types import FrameType


def exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM end the process through `SystemExit(0)`, so that `finally` blocks and `atexit`
    handlers run and the service manager sees a clean stop. uvicorn shuts down gracefully on the
    signal and then raises it again to the handler it found; left at the default, that kills the
    process before either runs."""

    def leave(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, leave)
