"""Pools and tasks for the SDK tests, made through the SDK itself."""

from __future__ import annotations

import talaka
from tests.support.api import IMAGE_PROJECT


def new_pool(sdk: talaka.Client, default_overlap: int | None = 1) -> str:
    """The id of a new closed pool in a new image project."""
    project = sdk.create_project(IMAGE_PROJECT)
    defaults = {} if default_overlap is None else {"default_overlap_for_new_tasks": default_overlap}
    pool = sdk.create_pool(talaka.Pool(project_id=project.id, private_name="sdk test", defaults=defaults))
    assert pool.id is not None
    return pool.id


def image_tasks(pool_id: str, count: int, prefix: str = "img") -> list[talaka.Task]:
    return [talaka.Task(input_values={"image": image_url(number, prefix)}, pool_id=pool_id)
            for number in range(count)]


def image_url(number: int, prefix: str = "img") -> str:
    return f"https://example.com/{prefix}/{number}.png"


def pool_task_ids(sdk: talaka.Client, pool_id: str) -> list[str]:
    """The id of every task in the pool, read page by page."""
    return [task.id or "" for task in sdk.get_tasks(pool_id=pool_id, batch_size=50_000)]
