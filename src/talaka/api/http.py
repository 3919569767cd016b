"""Request and response plumbing shared by every resource module.

Responses are built from bytes: stored objects are already JSON, so a page of tasks is a join,
not a decode and an encode.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

import msgspec
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka.core.batch import has_nul
from talaka.core.errors import (
    FieldError,
    PayloadTooLargeProblem,
    UnsupportedMediaTypeProblem,
    ValidationProblem,
)
from talaka.core.ids import parse_operation_id

INTEGER = re.compile(r"-?[0-9]{1,18}")
_encode = msgspec.json.encode
_decode = msgspec.json.decode
JSON = "application/json"


Handler = Callable[[Request], Awaitable[Response]]


def resource(path: str, **handlers: Handler) -> Route:
    """One route per path with a handler per method, so a 405 lists every method the path takes."""
    if "GET" in handlers:
        handlers["HEAD"] = handlers["GET"]

    async def dispatch(request: Request) -> Response:
        request.scope["state"]["route"] = request.scope.get("root_path", "") + path
        return await handlers[request.method](request)

    return Route(path, dispatch, methods=list(handlers))


def json_bytes(content: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(content, status_code=status, media_type=JSON, headers=headers)


def json_value(value: Any, status: int = 200) -> Response:
    return Response(_encode(value), status_code=status, media_type=JSON)


def page(items: Iterable[bytes], has_more: bool) -> Response:
    body = b'{"items":[' + b",".join(items) + b'],"has_more":' + (b"true" if has_more else b"false") + b"}"
    return json_bytes(body)


def no_content() -> Response:
    return Response(status_code=204)


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it grows past `limit` bytes.

    A body must say it is JSON; an empty one (toloka-kit sends `create_tasks([])` without a body
    or a Content-Type) needs no Content-Type.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != JSON and not media_type.endswith("+json") and declared != "0":
        chunks = [chunk async for chunk in _limited(request, limit)]
        if any(chunks):
            raise UnsupportedMediaTypeProblem(
                f"Content-Type {media_type or '(none)'} is not JSON: send the body as JSON with "
                "'Content-Type: application/json'")
        return b""
    return b"".join([chunk async for chunk in _limited(request, limit)])


async def _limited(request: Request, limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        yield chunk


def _too_large(limit: int) -> PayloadTooLargeProblem:
    return PayloadTooLargeProblem(
        f"The request body is larger than {limit} bytes. Split it into several requests "
        "(10,000 tasks per request is recommended).", {"max_body_bytes": limit})


async def read_object(request: Request, limit: int, name: str) -> dict[str, Any]:
    """A JSON object body; anything else is a `VALIDATION_ERROR` that says what came instead."""
    body = await read_body(request, limit)
    if not body.strip():
        raise ValidationProblem(f"The request body is empty: send the {name} as a JSON object",
                                {name: FieldError("NOT_NULL_BODY", "The request body must not be empty")})
    try:
        value = _decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ValidationProblem(f"The request body is not valid JSON: {reason}",
                                {name: FieldError("JSON_EXPECTED", reason)}) from None
    if has_nul(body):
        raise ValidationProblem(f"The {name} has a NUL character (\\u0000) in a string; remove it",
                                {name: FieldError("CHARACTER_NOT_ALLOWED", "NUL characters are not allowed")})
    if not isinstance(value, dict):
        raise ValidationProblem(f"The {name} must be a JSON object",
                                {name: FieldError("OBJECT_EXPECTED", "Value must be an object")})
    return value


async def read_checked(request: Request, limit: int, name: str,
                       check: Callable[[dict[str, Any]], dict[str, FieldError]]) -> dict[str, Any]:
    """A JSON object body in which `check` finds no problem; else a `VALIDATION_ERROR` with every one."""
    body = await read_object(request, limit, name)
    errors = check(body)
    if errors:
        raise validation_error(errors, name)
    return body


def check_params(params: QueryParams, allowed: frozenset[str]) -> None:
    unknown = sorted(set(params.keys()) - allowed)
    if unknown:
        raise ValidationProblem(
            f"Unknown query parameter {', '.join(unknown)}; this endpoint takes: "
            f"{', '.join(sorted(allowed)) or 'none'}",
            {name: FieldError("VALUE_NOT_ALLOWED", "Unknown parameter") for name in unknown})


def bool_param(params: QueryParams, name: str) -> bool | None:
    value = params.get(name)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValidationProblem(f"Query parameter {name} must be true or false, got {value!r:.40}",
                            {name: FieldError("BOOLEAN_EXPECTED", "Expected true or false")})


def int_param(params: QueryParams, name: str, *, low: int, high: int) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if not INTEGER.fullmatch(value) or not low <= int(value) <= high:
        raise ValidationProblem(
            f"Query parameter {name} must be an integer from {low} to {high}, got {value!r:.40}",
            {name: FieldError("INVALID_VALUE", f"Expected an integer from {low} to {high}", [low, high])})
    return int(value)


def operation_id_param(params: QueryParams) -> str | None:
    """The `operation_id` a create request names (a UUID, in its canonical form), or None."""
    value = params.get("operation_id")
    if value is None:
        return None
    parsed = parse_operation_id(value)
    if parsed is None:
        raise ValidationProblem("Query parameter operation_id must be a UUID, such as "
                                "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                                {"operation_id": FieldError("UUID_EXPECTED", "Expected a UUID")})
    return parsed


def check_item_count(count: int, limit: int, *, request: str, items: str, field: str) -> None:
    """A batch `request` takes 1 to `limit` `items`; else a `VALIDATION_ERROR` of `field`, the body."""
    if not 1 <= count <= limit:
        raise ValidationProblem(
            f"A {request} takes 1 to {limit} {items}, this one has {count}"
            + (": split it into several requests" if count else ""),
            {field: FieldError("ARRAY_SIZE_GREATER_THAN_MAX" if count else "ARRAY_SIZE_LESS_THAN_MIN",
                               f"Expected 1 to {limit} items, got {count}", [limit if count else 1])})


def validation_error(errors: dict[str, FieldError], what: str) -> ValidationProblem:
    first = next(iter(errors.items()))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ValidationProblem(f"Invalid {what}: {first[0]}: {first[1].message}{more}", errors)
