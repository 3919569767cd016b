"""User bonuses: create (one object or an array, synchronous or as an operation), get and find.

The flow is task creation's (spec `toloka-api-v1.md` section 5), done inside the request: every item
is checked, then the operation, its bonuses and its refused items are written in one transaction.
`async_mode=true` (toloka-kit's default) answers 202 with the `USER_BONUS.BATCH_CREATE` operation,
already finished, whose log gives each item's `output.user_bonus_id`; `async_mode=false` answers 201
with the bonus, or `{items, validation_errors}` for an array. An invalid item refuses the whole
request unless `skip_invalid_items=true` and some item is valid. A repeated `operation_id` creates
nothing: asynchronous requests get 409 `OPERATION_ALREADY_EXISTS` (toloka-kit then reads the
operation), a repeated synchronous one gets the first answer again.
"""

from __future__ import annotations

import hashlib

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from talaka.api.context import Api, authorized
from talaka.api.http import (
    bool_param,
    check_item_count,
    check_params,
    json_bytes,
    operation_id_param,
    read_body,
    resource,
)
from talaka.api.objects import finder, getter
from talaka.api.operations import check_repeat, operation_json
from talaka.api.search_params import USER_BONUSES
from talaka.core.batch import BodyProblem
from talaka.core.bonuses import (
    MAX_ITEMS,
    OPERATION_TYPE,
    BonusDraft,
    References,
    check_batch,
    check_bonus,
    decode_items,
    details,
)
from talaka.core.errors import FieldError, FieldErrors, ValidationProblem
from talaka.core.ids import new_operation_id
from talaka.core.stored import with_id
from talaka.core.timefmt import now_text
from talaka.store.base import OperationRecord, Requester

CREATE_PARAMS = frozenset({"operation_id", "async_mode", "skip_invalid_items"})
_encode = msgspec.json.encode


def _digest(body: bytes, async_mode: bool, skip_invalid_items: bool) -> bytes:
    """What identifies a request for idempotency: its body, its mode and its flag."""
    digest = hashlib.blake2b(body, digest_size=16)
    digest.update(_encode([OPERATION_TYPE, async_mode, skip_invalid_items]))
    return digest.digest()


async def _references(api: Api, requester: Requester,
                      drafts: list[tuple[BonusDraft | None, FieldErrors]]) -> References:
    """What the store knows of every performer and assignment the items name."""
    named = [draft for draft, _ in drafts if draft is not None]
    user_ids = {draft.user_id for draft in named if draft.user_id is not None}
    seqs = {assignment[1] for draft in named if (assignment := draft.assignment) is not None}
    return await api.store.bonus_references(requester.id, user_ids, seqs)


async def create_user_bonuses(request: Request) -> Response:
    api, requester = await authorized(request, None)
    check_params(request.query_params, CREATE_PARAMS)
    operation_id = operation_id_param(request.query_params)
    async_mode = bool_param(request.query_params, "async_mode") is not False
    skip_invalid = bool(bool_param(request.query_params, "skip_invalid_items"))
    body = await read_body(request, api.settings.max_body_bytes)
    try:
        items, single = decode_items(body)
    except BodyProblem as problem:
        raise ValidationProblem(str(problem), {"user_bonuses": FieldError("JSON_EXPECTED", str(problem))}) from None
    check_item_count(len(items), MAX_ITEMS, request="request", items="user bonuses", field="user_bonuses")
    drafts = [check_bonus(item) for item in items]
    now = now_text()
    batch = check_batch(items, drafts, await _references(api, requester, drafts), now)
    rows = [row for _, row in batch.rows] if skip_invalid or not batch.errors else []
    digest = _digest(body, async_mode, skip_invalid)
    record = OperationRecord(
        no=0, id=operation_id or new_operation_id(), requester_id=requester.id, type=OPERATION_TYPE,
        status="SUCCESS" if rows else "FAIL", is_sync=not async_mode, digest=digest, submitted=now, started=now,
        finished=now, progress=100, cursor=0, parameters=_encode({"skip_invalid_items": skip_invalid}),
        details=details(batch.total, len(batch.rows), len(rows)))
    op_no = await api.store.create_bonuses(record, rows, batch.errors)
    if op_no is None:
        existing = await api.store.get_operation(requester.id, record.id)
        assert existing is not None, "an operation with this id was there when the batch was written"
        return await _repeat(api, existing, digest, async_mode, single)
    record.no = op_no
    if async_mode:
        return json_bytes(operation_json(record), 202)
    return await _sync_answer(api, record, single)


async def _repeat(api: Api, existing: OperationRecord, digest: bytes, async_mode: bool, single: bool) -> Response:
    """A request whose `operation_id` was seen: the first answer again, or 409 (spec decision 7)."""
    check_repeat(existing, digest, async_mode)
    return await _sync_answer(api, existing, single)


async def _sync_answer(api: Api, record: OperationRecord, single: bool) -> Response:
    """201 with what the operation created (the bonus, or `{items, validation_errors}`), or 400 with every
    problem when it created nothing."""
    created, refused = await api.store.bonus_outcome(record)
    problems = {idx: found for idx, (_, found) in refused.items()}
    if not created:
        payload = problems[0] if single else _by_index(problems)
        total = msgspec.json.decode(record.details)["total_count"]
        raise ValidationProblem(f"Validation error: {len(problems)} of {total} user bonuses are invalid; nothing "
                                "was created. See the payload for every problem by item and field",
                                msgspec.Raw(payload))
    if single:
        _, object_id, body = created[0]
        return json_bytes(with_id(object_id, body), 201)
    items = _by_index({idx: with_id(object_id, body) for idx, object_id, body in created})
    return json_bytes(b'{"items":%s,"validation_errors":%s}' % (items, _by_index(problems)), 201)


def _by_index(values: dict[int, bytes]) -> bytes:
    return b"{" + b",".join(b'"%d":%s' % (idx, value) for idx, value in sorted(values.items())) + b"}"


routes = [
    resource("/user-bonuses", POST=create_user_bonuses,
             GET=finder(USER_BONUSES, lambda store: store.find_bonuses)),
    resource("/user-bonuses/{user_bonus_id}", GET=getter("user bonus", lambda store: store.get_bonus)),
]
