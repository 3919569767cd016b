"""`talaka serve` stopped as systemd stops it (SIGTERM): a graceful shutdown and exit status 0,
with or without `--workers`, so that `atexit` work (the metrics folder) runs too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.server import ServerProcess


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_is_a_clean_stop(workers: int, tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'talaka.db'}", tmp_path / "server.log", workers=workers,
                           env={"TALAKA_METRICS_OPEN": "1"}).start()
    assert server.process is not None
    server.stop()
    assert server.process.returncode == 0, server.log_path.read_text()[-2000:]
