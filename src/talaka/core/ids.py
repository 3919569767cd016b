"""Identifier formats.

Task and task-suite ids are `%010x--%024x` of the pool id and a database-wide sequence number.
Fixed width makes plain string order equal creation order, which toloka-kit relies on: it takes
`min`/`max` of the ids it got back as Python strings and pages with `id_gte`/`id_lte`/`id_gt`.
Projects, pools and requesters are decimal strings, as in Toloka.
"""

from __future__ import annotations

import re
import uuid

_TASK_ID = re.compile(r"\A([0-9a-f]{10})--([0-9a-f]{24})\Z")
MAX_POOL_ID = 16**10 - 1
MAX_SEQ = 2**63 - 1


def task_id(pool_id: int, seq: int) -> str:
    return f"{pool_id:010x}--{seq:024x}"


def suite_task_id(pool_id: int, suite_seq: int, position: int) -> str:
    """A task inside a task suite: the suite's id and the task's position in it."""
    return f"{task_id(pool_id, suite_seq)}-{position}"


def parse_task_id(value: str) -> tuple[int, int] | None:
    """Return `(pool_id, seq)`, or None when `value` is not in the task id format."""
    match = _TASK_ID.match(value)
    if match is None:
        return None
    seq = int(match.group(2), 16)
    return (int(match.group(1), 16), seq) if seq <= MAX_SEQ else None


def parse_numeric_id(value: str) -> int | None:
    """Decimal ids of projects and pools; None for anything else (never an exception)."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def parse_operation_id(value: str) -> str | None:
    """Canonical lowercase UUID text, or None when `value` is not a UUID."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def new_operation_id() -> str:
    return str(uuid.uuid4())
