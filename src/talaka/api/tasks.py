"""Tasks and task suites: create (sync and async), get, find, patch, set-overlap-or-min.

Both resources share one shape, so each handler is built once per kind.
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka.api.context import Api, authorized
from talaka.api.http import (
    Handler,
    bool_param,
    check_item_count,
    check_params,
    json_bytes,
    operation_id_param,
    page,
    read_body,
    read_object,
    resource,
    validation_error,
)
from talaka.api.operations import check_repeat, not_found, operation_json
from talaka.api.search_params import TASKS, parse_search
from talaka.core.batch import SUITE, TASK, BodyProblem, Decoded, decode_items
from talaka.core.errors import FieldError, ValidationProblem
from talaka.core.patches import apply_patch, is_golden
from talaka.core.rules import PoolRules
from talaka.core.stored import with_id
from talaka.ops.creation import TABLES, CreateParams, new_record, off_loop
from talaka.store.base import BatchResult, OperationExists, OperationRecord, Requester

CREATE_PARAMS = frozenset({"operation_id", "async_mode", "allow_defaults", "open_pool", "skip_invalid_items",
                           "dry_run"})
NAMES = {TASK: ("task", "tasks"), SUITE: ("task suite", "task suites")}
_encode = msgspec.json.encode
_decode = msgspec.json.decode


def _create_flags(request: Request) -> tuple[str | None, bool, CreateParams]:
    params = request.query_params
    check_params(params, CREATE_PARAMS)
    operation_id = operation_id_param(params)
    async_mode = bool_param(params, "async_mode")
    flags = CreateParams(skip_invalid_items=bool(bool_param(params, "skip_invalid_items")),
                         allow_defaults=bool(bool_param(params, "allow_defaults")),
                         open_pool=bool(bool_param(params, "open_pool")))
    return operation_id, async_mode is not False, flags


def _digest(body: bytes, async_mode: bool, flags: CreateParams) -> bytes:
    """What identifies a request for idempotency: its body, its mode and its flags."""
    digest = hashlib.blake2b(body, digest_size=16)
    digest.update(_encode([async_mode, flags]))
    return digest.digest()


def _create(kind: str) -> Handler:
    one, many = NAMES[kind]

    async def create(request: Request) -> Response:
        api, requester = await authorized(request, None)
        operation_id, async_mode, flags = _create_flags(request)
        headers = await api.count_create_request(requester)
        body = await read_body(request, api.settings.max_body_bytes)
        digest = _digest(body, async_mode, flags)
        try:
            decoded = await off_loop(api.creator.executor, len(body) // 128, decode_items, body, kind)
        except BodyProblem as problem:
            raise ValidationProblem(str(problem), {many: FieldError("JSON_EXPECTED", str(problem))}) from None
        count = len(decoded.raws)
        dry_run = bool(bool_param(request.query_params, "dry_run"))
        limit = api.settings.max_async_items if async_mode or dry_run else api.settings.max_sync_items
        mode = "asynchronous" if async_mode else "synchronous"
        check_item_count(count, limit, request=f"{mode} request", items=many, field=many)
        if dry_run:
            return await _dry_run(api, requester.id, kind, decoded, flags, headers)
        record = new_record(requester.id, kind, operation_id, flags, digest, is_sync=not async_mode)
        try:
            if async_mode and count > api.settings.inline_async_items:
                record = await api.store.insert_operation(record, body)
                api.runner.wake()
                return json_bytes(operation_json(record), 202, headers)
            outcome = await api.creator.create_at_once(record, decoded, flags)
        except OperationExists as exists:
            return await _repeat(api, exists.record, digest, async_mode, body)
        if async_mode:
            return json_bytes(operation_json(outcome.record), 202, headers)
        errors = {idx: _encode(found) for idx, (_, found) in outcome.errors.items()}
        return _sync_answer(outcome.record, outcome.created, errors, decoded.single, many, headers)

    return create


async def _dry_run(api: Api, requester_id: int, kind: str, decoded: Decoded, flags: CreateParams,
                   headers: dict[str, str]) -> Response:
    """Talaka's extension `dry_run=true`: validate every item, create nothing, report every problem.

    Lets a client split a huge upload into requests and still refuse all of it when one item is
    invalid: it checks every chunk first.
    """
    prepared = await api.creator.validate(requester_id, kind, decoded, flags)
    problems = b",".join(b'"%d":%s' % (idx, _encode(found)) for idx, (_, found) in sorted(prepared.errors.items()))
    return json_bytes(b'{"items_count":%d,"valid_count":%d,"validation_errors":{%s}}'
                      % (len(decoded.raws), len(prepared.rows), problems), 200, headers)


async def _repeat(api: Api, existing: OperationRecord, digest: bytes, async_mode: bool, body: bytes) -> Response:
    """A request whose `operation_id` was seen: the first answer again, or 409 (spec decision 7)."""
    check_repeat(existing, digest, async_mode)
    created = await api.store.operation_items(existing.no)
    errors = await api.store.operation_errors(existing.no)
    single = body.lstrip()[:1] == b"{"
    return _sync_answer(existing, created, errors, single, NAMES[SUITE if "SUITE" in existing.type else TASK][1], {})


def _sync_answer(record: OperationRecord, created: BatchResult, errors: dict[int, bytes], single: bool,
                 many: str, headers: dict[str, str]) -> Response:
    if record.status == "FAIL" or (single and errors):
        details = msgspec.json.decode(record.details)
        first = min(errors)
        payload = errors[first] if single else b"{" + b",".join(
            b'"%d":%s' % (idx, found) for idx, found in sorted(errors.items())) + b"}"
        summary = f"{details.get('invalid_count', len(errors))} of {details.get('items_count', '?')} {many} are invalid"
        raise ValidationProblem(f"Validation error: {summary}; nothing was created. "
                                f"See the payload for every problem by item and field",
                                msgspec.Raw(payload), headers=headers)
    if single:
        _, object_id, body = created.created[0]
        return json_bytes(with_id(object_id, body), 201, headers)
    items = b",".join(b'"%d":%s' % (idx, with_id(object_id, body)) for idx, object_id, body in created.created)
    problems = b",".join(b'"%d":%s' % (idx, found) for idx, found in sorted(errors.items()))
    return json_bytes(b'{"items":{%s},"validation_errors":{%s}}' % (items, problems), 201, headers)


def _get(kind: str) -> Handler:
    async def get(request: Request) -> Response:
        api, requester = await authorized(request)
        object_id = request.path_params["task_id"]
        body = await api.store.get_task(TABLES[kind], requester.id, object_id)
        if body is None:
            raise not_found(NAMES[kind][0], object_id)
        return json_bytes(body)

    return get


def _find(kind: str) -> Handler:
    async def find(request: Request) -> Response:
        api, requester = await authorized(request, None)
        search = parse_search(request.query_params, TASKS)
        items, has_more = await api.store.find_tasks(TABLES[kind], requester.id, search)
        return page(items, has_more)

    return find


def _patch(kind: str, *, overlap_only: bool) -> Handler:
    async def patch(request: Request) -> Response:
        api, requester = await authorized(request)
        object_id = request.path_params["task_id"]
        stored = await api.store.get_task(TABLES[kind], requester.id, object_id)
        if stored is None:
            raise not_found(NAMES[kind][0], object_id)
        changes = await read_object(request, api.settings.max_body_bytes, "patch")
        if overlap_only and changes.keys() - {"overlap", "infinite_overlap"}:
            raise validation_error({name: FieldError("VALUE_NOT_ALLOWED", "Only overlap or infinite_overlap "
                                                     "can be set here") for name in changes.keys()
                                    - {"overlap", "infinite_overlap"}}, "patch")
        body: dict[str, Any] = _decode(stored)
        body.pop("id")
        output = await _output_spec(api, requester, body)
        errors = apply_patch(body, changes, kind, output, lowest_overlap=0 if overlap_only else 1)
        if errors:
            raise validation_error(errors, "patch")
        encoded = _encode(body)
        await api.store.replace_task(TABLES[kind], requester.id, object_id, body.get("overlap"),
                                     is_golden(body), encoded)
        return json_bytes(with_id(object_id, encoded))

    return patch


async def _output_spec(api: Api, requester: Requester, body: dict[str, Any]) -> Any:
    pool_id = int(body["pool_id"])
    rules = (await api.store.pool_rules(requester.id, {pool_id})).get(pool_id)
    return rules.output if isinstance(rules, PoolRules) else None


def routes_for(kind: str, path: str) -> list[Route]:
    return [
        resource(path, POST=_create(kind), GET=_find(kind)),
        resource(path + "/{task_id}", GET=_get(kind), PATCH=_patch(kind, overlap_only=False)),
        resource(path + "/{task_id}/set-overlap-or-min", PATCH=_patch(kind, overlap_only=True)),
    ]


routes = routes_for(TASK, "/tasks") + routes_for(SUITE, "/task-suites")
