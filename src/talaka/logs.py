"""Log format for server and worker processes: one line per event, with the process id."""

from __future__ import annotations

import logging
import os
import sys

LOG_LEVEL_ENV = "TALAKA_LOG_LEVEL"


def configure_logging(level: str | None = None) -> None:
    """Send Talaka's logs to stderr; `talaka serve --workers N` calls this in every worker process."""
    chosen = (level or os.environ.get(LOG_LEVEL_ENV) or "info").upper()
    os.environ[LOG_LEVEL_ENV] = chosen.lower()
    logging.basicConfig(level=chosen, stream=sys.stderr,
                        format="%(asctime)s %(process)d %(levelname)s %(name)s %(message)s")
