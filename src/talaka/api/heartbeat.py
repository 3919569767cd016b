"""Heartbeat files: how the health port (`api/health_port.py`) knows each server process's event loop turns.

Every server process touches `<folder>/<pid>` twice a second while its event loop runs; the file
holds the process's start time, so that a file left by a killed process is never taken for the
process that got its pid later. Linux gives the start time in `/proc`; elsewhere the file is
empty and only the pid is checked.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

HEARTBEAT_SECONDS = 0.5


def process_start(pid: int) -> str:
    """The start time of process `pid` in clock ticks since boot, or "" where `/proc` has none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22; the name in parentheses may hold spaces


async def beat(folder: Path) -> None:
    """Touch `folder/<pid>` while the event loop turns. A folder that was removed (a cleaner of
    /tmp, a hasty operator) is made again rather than ending the beat, which would have the
    health port report a working server as gone."""
    path = folder / str(os.getpid())
    started = process_start(os.getpid())
    try:
        while True:
            try:
                os.utime(path)
            except FileNotFoundError:
                folder.mkdir(parents=True, exist_ok=True)
                written = path.with_name(f".{path.name}")  # renamed whole: never read half written
                written.write_text(started)
                written.replace(path)
            await asyncio.sleep(HEARTBEAT_SECONDS)
    finally:
        path.unlink(missing_ok=True)


def heartbeat_ages(folder: Path) -> dict[int, float]:
    """Seconds since each living server process's last heartbeat; files of gone ones are removed."""
    now = time.time()
    ages = {}
    try:
        paths = list(folder.iterdir())
    except FileNotFoundError:
        return {}  # removed: the server processes make it again within a heartbeat
    for path in paths:
        if not path.name.isdigit():
            continue
        pid = int(path.name)
        try:
            if path.read_text() != process_start(pid):
                raise ProcessLookupError  # its process is gone, and the pid may be another's now
            os.kill(pid, 0)
            ages[pid] = now - path.stat().st_mtime
        except (ProcessLookupError, PermissionError):
            path.unlink(missing_ok=True)  # a worker that was killed: it could not clean up
        except FileNotFoundError:
            continue  # it stopped between the listing and the read
    return ages
