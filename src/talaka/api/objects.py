"""Pieces the project and pool routes share: status-change operations and id lookups."""

from __future__ import annotations

import msgspec

from talaka.core.ids import new_operation_id, parse_numeric_id
from talaka.core.timefmt import now_text
from talaka.store.base import OperationRecord


def finished_operation(requester_id: int, operation_type: str, parameters: object,
                       details: bytes = b"{}") -> OperationRecord:
    """Work done at once (a status change, analytics), recorded as the operation toloka-kit waits on."""
    now = now_text()
    return OperationRecord(no=0, id=new_operation_id(), requester_id=requester_id, type=operation_type,
                           status="SUCCESS", is_sync=False, digest=None, submitted=now, started=now,
                           finished=now, progress=100, cursor=0, parameters=msgspec.json.encode(parameters),
                           details=details)


def path_id(value: str) -> int:
    """A numeric id from the path; a malformed one is simply not found (-1 matches nothing)."""
    parsed = parse_numeric_id(value)
    return -1 if parsed is None else parsed
