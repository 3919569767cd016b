"""Backend-neutral pieces of the store: pool rules from stored JSON, and operation log items."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from talaka.core.overlap import pool_default_overlap
from talaka.core.rules import PoolRefusal, PoolRules, archived_pool, compile_spec

_decode = msgspec.json.decode


def build_pool_rules(rows: Iterable[tuple[int, str, int, int, bytes, bytes]]) -> dict[int, PoolRules | PoolRefusal]:
    """Rows of `(pool id, status, revision, training, pool body, project body)` -> what each pool accepts."""
    rules: dict[int, PoolRules | PoolRefusal] = {}
    for pool_id, status, revision, training, pool_body, project_body in rows:
        if status == "ARCHIVED":
            rules[pool_id] = PoolRefusal(pool_id, revision, archived_pool(status))
            continue
        defaults = _decode(pool_body).get("defaults")
        task_spec: dict[str, Any] = _decode(project_body).get("task_spec") or {}
        rules[pool_id] = PoolRules(
            pool_id=pool_id, revision=revision,
            default_overlap=pool_default_overlap(defaults, suites=False),
            default_suite_overlap=pool_default_overlap(defaults, suites=True),
            input=compile_spec(task_spec.get("input_spec") or {}),
            output=compile_spec(task_spec.get("output_spec") or {}), training=bool(training))
    return rules


def _with_item_idx(item_idx: int, body: bytes) -> bytes:
    rest = body[1:].lstrip()
    separator = b"" if rest[:1] == b"}" else b","
    return b'{"__item_idx":"%d"%s%s' % (item_idx, separator, rest)


def log_item_created(item_idx: int, object_id: str, body: bytes, *, suites: bool) -> bytes:
    """A successful `TASK_CREATE` log item: the stored object echoed with its `__item_idx`."""
    kind, key = (b"TASK_SUITE_CREATE", b"task_suite_id") if suites else (b"TASK_CREATE", b"task_id")
    return (b'{"type":"%s","success":true,"input":%s,"output":{"%s":"%s"}}'
            % (kind, _with_item_idx(item_idx, body), key, object_id.encode()))


def log_item_failed(item_idx: int, item: bytes, errors: bytes, *, suites: bool) -> bytes:
    """A failed `TASK_VALIDATE` log item: the input as sent and every error by field path."""
    kind = b"TASK_SUITE_VALIDATE" if suites else b"TASK_VALIDATE"
    echo = _with_item_idx(item_idx, _without_item_idx(item))
    return b'{"type":"%s","success":false,"input":%s,"output":%s}' % (kind, echo, errors)


def _without_item_idx(item: bytes) -> bytes:
    value = _decode(item)
    if isinstance(value, dict):
        value.pop("__item_idx", None)
        return msgspec.json.encode(value)
    return msgspec.json.encode({"value": value})
