"""The work loop's store tests share one scene fixture (`tests/store/work_scene.py`)."""

from __future__ import annotations

from tests.store.work_scene import scene

__all__ = ["scene"]
