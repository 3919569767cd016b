"""The building blocks every part of the document is made of: value formats, object shapes, the error
answers and one `op` that describes an operation the same way everywhere.

Each resource's module (`objects`, `work`, `performer`) builds its schemas and paths from these, so an
error status, a header or a security requirement is written once.
"""

from __future__ import annotations

from typing import Any

from talaka.api import search_params as sp
from talaka.store.search import OPERATORS

Schema = dict[str, Any]
V1 = "/api/v1"
PERFORMER_V1 = "/api/performer/v1"
JSON = "application/json"
REQUESTER_SCHEME = "OAuth"
PERFORMER_SCHEME = "PerformerOAuth"

_YEAR = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_DAY = ("((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
        "|02-(0[1-9]|1[0-9]|2[0-8]))")
_TIME = r"(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?"
TIME_IN: Schema = {"type": "string", "pattern": f"^{_YEAR}-{_DAY}{_TIME}$",
                   "description": "ISO 8601; without an offset it is UTC (February 29 is left out here)"}
TIMESTAMP: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$",
                     "description": "Naive UTC with six fractional digits, set by the server"}
NUMERIC_ID: Schema = {"type": "string", "pattern": "^[0-9]{1,18}$", "description": 'A decimal id, e.g. "21"'}
TASK_ID: Schema = {"type": "string", "pattern": "^[0-9a-f]{10}--[0-9a-f]{24}$",
                   "description": "Pool id and sequence in hex: string order is creation order"}
ASSIGNMENT_ID: Schema = TASK_ID | {"description": "Pool id and sequence in hex, like a task id"}
PERFORMER_ID: Schema = {"type": "string", "pattern": "^[0-9a-f]{1,64}$",
                        "description": "A performer's opaque id (`user_id`, crowd-kit's `worker`)"}
COUNT: Schema = {"type": "integer", "minimum": 0}
STRINGS: Schema = {"type": "array", "items": {"type": "string"}}
ANY_OBJECT: Schema = {"type": "object", "additionalProperties": True}
STRING: Schema = {"type": "string"}
BOOLEAN: Schema = {"type": "boolean"}


def ref(name: str, kind: str = "schemas") -> Schema:
    return {"$ref": f"#/components/{kind}/{name}"}


def nullable(schema: Schema) -> Schema:
    """The schema or `null`: an optional field sent as `null` is accepted, stored and echoed so."""
    widened = {**schema, "type": [schema["type"], "null"]}
    return widened | ({"enum": [*schema["enum"], None]} if "enum" in schema else {})


FLAG, TEXT, NUMBER = nullable({"type": "boolean"}), nullable({"type": "string"}), nullable({"type": "number"})


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), *, extra: bool = True,
        description: str | None = None) -> Schema:
    """An object; `extra` says whether unknown fields pass (and are echoed) or are refused."""
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": extra}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def map_of(value: Schema, keys: str, description: str) -> Schema:
    return {"type": "object", "propertyNames": {"pattern": keys}, "additionalProperties": value,
            "description": description}


def page_of(name: str) -> Schema:
    return obj({"items": {"type": "array", "items": ref(name)}, "has_more": BOOLEAN}, ("items", "has_more"),
               extra=False)


def comma_list(words: tuple[str, ...] | list[str], prefix: str = "") -> Schema:
    """A comma-separated list of `words` (each may carry `prefix`), as the statuses filters take."""
    word = f"({prefix})?({'|'.join(words)})" if prefix else f"({'|'.join(words)})"
    return {"type": "string", "pattern": f"^{word}(,{word})*$"}


def common_schemas() -> dict[str, Schema]:
    """Errors and the requester: the shapes every route shares."""
    return {
        "FieldValidationError": obj({"code": STRING, "message": STRING, "params": {"type": "array"}},
                                    ("code", "message"), extra=False),
        "FieldValidationErrors": map_of(ref("FieldValidationError"), "^.+$",
                                        "Dotted field path (input_values.image) -> its problem"),
        "ItemValidationErrors": map_of(ref("FieldValidationErrors"), "^[0-9]+$",
                                       "Index in the request array -> the item's problems"),
        "ErrorEnvelope": obj({
            "request_id": STRING | {"description": "Also the X-Request-Id header, and in the server log"},
            "code": STRING | {"description": (
                "Picks the client's exception: VALIDATION_ERROR, AUTHENTICATION_ERROR, ACCESS_DENIED, "
                "DOES_NOT_EXIST, CONFLICT_STATE, OPERATION_ALREADY_EXISTS, EMPTY_POOL, "
                "POOL_INAPPROPRIATE_STATUS, INAPPROPRIATE_STATUS, NO_TASKS_AVAILABLE, PAYLOAD_TOO_LARGE, "
                "TOO_MANY_REQUESTS, INTERNAL_ERROR, ...")},
            "message": STRING | {"description": "What went wrong and what to do"},
            "payload": {"type": ["object", "null"], "description": (
                "VALIDATION_ERROR: field path -> FieldValidationError (item index -> those for batches); "
                "INAPPROPRIATE_STATUS: {status, appropriate_statuses}; ACCESS_DENIED on a take: {reason}; "
                "TOO_MANY_REQUESTS: {limit, window, reset_seconds}; PAYLOAD_TOO_LARGE: {max_body_bytes}")},
        }, ("request_id", "code", "message", "payload"), extra=False),
        "Requester": obj({"id": NUMERIC_ID, "balance": {"type": "number"},
                          "public_name": obj({"EN": STRING}, ("EN",)),
                          "company": obj({"id": NUMERIC_ID, "superintendent_id": NUMERIC_ID},
                                         ("id", "superintendent_id"))},
                         ("id", "balance", "public_name", "company")),
    }


ERRORS = {400: ("BadRequest", "VALIDATION_ERROR: a malformed body or query parameter, or an unusable object"),
          401: ("Unauthorized", "AUTHENTICATION_ERROR: the Authorization header is missing or wrong"),
          403: ("Forbidden", "ACCESS_DENIED: the other kind of token (a performer's on the requester API, a "
                             "requester's on the performer API), or a pool this performer may not work in"),
          404: ("NotFound", "DOES_NOT_EXIST: no such object among yours"),
          409: ("Conflict", "The object's state forbids this (EMPTY_POOL, INAPPROPRIATE_STATUS, "
                            "NO_TASKS_AVAILABLE, OPERATION_ALREADY_EXISTS, ...)"),
          413: ("PayloadTooLarge", "PAYLOAD_TOO_LARGE: the body exceeds the server's limit"),
          415: ("UnsupportedMediaType", "UNSUPPORTED_MEDIA_TYPE: a body not sent as application/json"),
          429: ("TooManyRequests", "TOO_MANY_REQUESTS: a task-creating quota is used up; no Retry-After"),
          500: ("InternalError", "INTERNAL_ERROR: a bug; the request_id is in the server log"),
          503: ("ServiceUnavailable", "REMOTE_SERVICE_UNAVAILABLE: the database refused; nothing was kept")}
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def headers(*, rate: bool = False) -> dict[str, Schema]:
    """X-Request-Id is on every answer; RateLimit-* on the task-creating answers that were counted."""
    found: dict[str, Schema] = {"X-Request-Id": ref("X-Request-Id", "headers")}
    if rate:
        found |= {name: ref(name, "headers") for name in RATE_HEADERS}
    return found


def shared_components() -> Schema:
    """Error answers, headers and the two security schemes (everything in `components` but schemas
    and parameters)."""
    envelope = {JSON: {"schema": ref("ErrorEnvelope")}}
    responses = {name: {"description": text, "headers": headers(), "content": envelope}
                 for name, text in ERRORS.values()}
    responses["TooManyRequests"]["headers"] = headers() | {
        name: {"required": True, "schema": {"type": "integer"}} for name in RATE_HEADERS}
    header_docs: dict[str, Schema] = {name: {"schema": {"type": "integer"}, "description": "Creation quota"}
                                      for name in RATE_HEADERS}
    header_docs["X-Request-Id"] = {"required": True, "schema": {"type": "string"},
                                   "description": "The request's id, also in error bodies and the server log"}
    forms = "`OAuth <token>` (`ApiKey <token>` and `Bearer <token>` work too)"
    schemes = {
        REQUESTER_SCHEME: {"type": "apiKey", "in": "header", "name": "Authorization", "description": (
            f"A requester's token: {forms}; create one with `talaka requester create NAME`. Refused "
            "(403 ACCESS_DENIED) under /api/performer/v1")},
        PERFORMER_SCHEME: {"type": "apiKey", "in": "header", "name": "Authorization", "description": (
            f"A performer's token: {forms}; create one with `talaka performer create NAME` or "
            "POST /api/v1/performers. Accepted only under /api/performer/v1 (403 ACCESS_DENIED elsewhere)")}}
    return {"responses": responses, "headers": header_docs, "securitySchemes": schemes}


def path_parameter(name: str, what: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1},
            "description": f"{what} id; any other string gets 404"}


def query(name: str, schema: Schema, description: str = "") -> Schema:
    found: Schema = {"name": name, "in": "query", "schema": schema}
    return found | ({"description": description} if description else {})


def search_query(resource: sp.Resource) -> list[Schema]:
    """The filters `parse_search` takes for `resource`, typed by the parser each one goes through."""
    types: dict[sp.Parser, Schema] = {
        sp.numeric_id: NUMERIC_ID, sp.task_id: TASK_ID, sp.timestamp: TIME_IN, sp.text: STRING,
        sp.integer: {"type": "integer", "minimum": 1 - 10**17, "maximum": 10**18 - 1},
        sp.statuses: comma_list(sorted(sp.ASSIGNMENT_STATUSES)) | {"description": "Any of these statuses"}}
    found = [query(name, types[parser], "Equal to") for name, parser in resource.equals.items()]
    found += [query(f"{name}_{op}", types[parser]) for name, parser in resource.ranges.items()
              for op in OPERATORS]
    key = rf"\s*[-+]*({'|'.join(sorted(resource.sort_keys))})\s*"
    found.append(query("sort", {"type": "string", "pattern": f"^{key}(,{key})*$"},
                       "Comma-separated sort keys; '-' means descending"))
    found.append(query("limit", {"type": "integer", "minimum": 1, "maximum": resource.max_limit,
                                 "default": resource.default_limit}))
    return found


def json_response(description: str, schema: Schema, *, rate: bool = False) -> Schema:
    return {"description": description, "headers": headers(rate=rate), "content": {JSON: {"schema": schema}}}


def op(op_id: str, summary: str, success: dict[int, Schema], errors: tuple[int, ...] = (), *,
       params: list[Schema] | None = None, body: Schema | None = None, performer: bool = False) -> Schema:
    """One operation. Every authenticated one may answer 400 (an unknown query parameter), 401, 403 (the
    other kind of token), 500 and 503; one with a body may also answer 413 and 415. `performer` marks the
    performer API, which takes the performer's token instead of the requester's."""
    found: Schema = {"operationId": op_id, "summary": summary}
    if performer:
        found["security"] = [{PERFORMER_SCHEME: []}]
    if params:
        found["parameters"] = params
    if body is not None:
        found["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    codes = {400, 401, 403, 500, 503, *errors} | ({413, 415} if body is not None else set())
    found["responses"] = {str(code): answer for code, answer in sorted(success.items())}
    found["responses"] |= {str(code): ref(ERRORS[code][0], "responses") for code in sorted(codes)}
    return found


def status_change(op_id: str, summary: str, param: str) -> Schema:
    return {"parameters": [ref(param, "parameters")], "post": op(op_id, summary, {
        202: json_response("Done at once, recorded as a finished operation", ref("Operation")),
        204: {"description": "Already in that status: nothing done", "headers": headers()}}, (404, 409))}
