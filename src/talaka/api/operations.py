"""Operations: `GET /operations`, `/operations/{id}` and `/operations/{id}/log`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import authorized
from talaka.api.http import json_bytes, page, resource
from talaka.api.search_params import OPERATIONS, parse_search
from talaka.core.errors import ConflictProblem, NotFoundProblem
from talaka.core.ids import parse_operation_id
from talaka.store.base import OperationRecord


def operation_json(record: OperationRecord) -> bytes:
    """The wire form of an operation; `type` is always present (toloka-kit needs it)."""
    parts = [b'{"id":"%s","type":"%s","status":"%s","submitted":"%s"' % (
        record.id.encode(), record.type.encode(), record.status.encode(), record.submitted.encode())]
    if record.started:
        parts.append(b',"started":"%s"' % record.started.encode())
    if record.finished:
        parts.append(b',"finished":"%s"' % record.finished.encode())
    parts.append(b',"progress":%d,"parameters":%s,"details":%s}' % (
        record.progress, record.parameters, record.details))
    return b"".join(parts)


def not_found(kind: str, object_id: str) -> NotFoundProblem:
    return NotFoundProblem(f"There is no {kind} with id {object_id!r:.80} among yours")


def check_repeat(existing: OperationRecord, digest: bytes, async_mode: bool) -> None:
    """A request whose `operation_id` was seen: 409 unless it is the same synchronous request again,
    which gets the first answer again (spec decision 7)."""
    if existing.digest != digest:
        raise ConflictProblem(f"Operation {existing.id} exists and was made by a different request; "
                              "use a new operation_id for new work", {"same_request": False},
                              code="OPERATION_ALREADY_EXISTS")
    if async_mode or not existing.is_sync:
        raise ConflictProblem(f"Operation {existing.id} already exists; read it with "
                              f"GET /api/v1/operations/{existing.id}", {"same_request": True},
                              code="OPERATION_ALREADY_EXISTS")


async def get_operation(request: Request) -> Response:
    api, requester = await authorized(request)
    operation_id = request.path_params["operation_id"]
    known = parse_operation_id(operation_id)
    record = await api.store.get_operation(requester.id, known) if known else None
    if record is None:
        raise not_found("operation", operation_id)
    return json_bytes(operation_json(record))


async def get_operation_log(request: Request) -> Response:
    api, requester = await authorized(request)
    operation_id = request.path_params["operation_id"]
    known = parse_operation_id(operation_id)
    log = await api.store.operation_log(requester.id, known) if known else None
    if log is None:
        raise not_found("operation", operation_id)
    return json_bytes(log)


async def find_operations(request: Request) -> Response:
    api, requester = await authorized(request, None)
    search = parse_search(request.query_params, OPERATIONS)
    records, has_more = await api.store.find_operations(requester.id, search)
    return page((operation_json(record) for record in records), has_more)


routes = [
    resource("/operations", GET=find_operations),
    resource("/operations/{operation_id}", GET=get_operation),
    resource("/operations/{operation_id}/log", GET=get_operation_log),
]
