"""`GET /openapi.json`: the OpenAPI 3.1 description of everything served under `/api/v1`.

Fuzzers (schemathesis) and client generators take the document at its word, so it describes what
the routes really answer, not what Toloka documents: optional fields sent as `null` are stored
and echoed as `null`, unknown fields are echoed (`additionalProperties: true`), and every error
is the one `{request_id, code, message, payload}` envelope. It is built from Python data in small
functions, one per resource; the search parameters come from the same `Resource` tables the
parser uses, so a filter cannot be served without being described. The bytes are encoded once at
import: the document cannot change while a process runs.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka import __version__
from talaka.api import search_params as sp
from talaka.api.http import json_bytes
from talaka.core.batch import STRING_LISTS
from talaka.core.fieldspec import FIELD_TYPES, INT64_MAX, INT64_MIN, MAX_FIELDS
from talaka.core.overlap import MAX_OVERLAP
from talaka.store.search import OPERATORS

Schema = dict[str, Any]
V1 = "/api/v1"
JSON = "application/json"

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
COUNT: Schema = {"type": "integer", "minimum": 0}
STRINGS: Schema = {"type": "array", "items": {"type": "string"}}
ANY_OBJECT: Schema = {"type": "object", "additionalProperties": True}


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


def common_schemas() -> dict[str, Schema]:
    """Errors and the requester: the shapes every route shares."""
    string: Schema = {"type": "string"}
    return {
        "FieldValidationError": obj({"code": string, "message": string, "params": {"type": "array"}},
                                    ("code", "message"), extra=False),
        "FieldValidationErrors": map_of(ref("FieldValidationError"), "^.+$",
                                        "Dotted field path (input_values.image) -> its problem"),
        "ItemValidationErrors": map_of(ref("FieldValidationErrors"), "^[0-9]+$",
                                       "Index in the request array -> the item's problems"),
        "ErrorEnvelope": obj({
            "request_id": string | {"description": "Also the X-Request-Id header, and in the server log"},
            "code": string | {"description": (
                "Picks the client's exception: VALIDATION_ERROR, AUTHENTICATION_ERROR, DOES_NOT_EXIST, "
                "CONFLICT_STATE, OPERATION_ALREADY_EXISTS, EMPTY_POOL, POOL_INAPPROPRIATE_STATUS, "
                "INAPPROPRIATE_STATUS, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS, INTERNAL_ERROR, ...")},
            "message": string | {"description": "What went wrong and what to do"},
            "payload": {"type": ["object", "null"], "description": (
                "VALIDATION_ERROR: field path -> FieldValidationError (item index -> those for batches); "
                "TOO_MANY_REQUESTS: {limit, window, reset_seconds}; PAYLOAD_TOO_LARGE: {max_body_bytes}")},
        }, ("request_id", "code", "message", "payload"), extra=False),
        "Requester": obj({"id": NUMERIC_ID, "balance": {"type": "number"},
                          "public_name": obj({"EN": string}, ("EN",)),
                          "company": obj({"id": NUMERIC_ID, "superintendent_id": NUMERIC_ID},
                                         ("id", "superintendent_id"))},
                         ("id", "balance", "public_name", "company")),
    }


def _field_spec(field_type: str) -> Schema:
    """One field type with exactly the attributes the project check accepts for it."""
    base = field_type.removeprefix("array_")
    count = nullable({**COUNT, "maximum": INT64_MAX})
    int64 = {"type": "integer", "minimum": INT64_MIN, "maximum": INT64_MAX}
    attributes: dict[str, Schema] = {"type": {"const": field_type}, "required": FLAG, "hidden": FLAG}
    if base in ("boolean", "string", "integer"):
        element = {"boolean": {"type": "boolean"}, "string": {"type": "string"}, "integer": int64}[base]
        attributes["allowed_values"] = nullable({"type": "array", "items": element, "minItems": 1,
                                                 "uniqueItems": True})
    if base == "string":
        attributes |= {"min_length": count, "max_length": count}
    elif base in ("integer", "float"):
        bound = nullable(int64) if base == "integer" else NUMBER
        attributes |= {"min_value": bound, "max_value": bound}
    elif base == "coordinates":
        attributes["current_location"] = FLAG
    if field_type.startswith("array_"):
        attributes |= {"min_size": count, "max_size": count}
    return obj(attributes, ("type",), extra=False)


def field_spec_schemas() -> dict[str, Schema]:
    """`FieldSpec`, discriminated by `type`; unknown types and attributes are refused, never echoed."""
    names = {kind: "".join(part.capitalize() for part in kind.split("_")) + "FieldSpec"
             for kind in sorted(FIELD_TYPES)}
    schemas = {name: _field_spec(kind) for kind, name in names.items()}
    schemas["FieldSpec"] = {
        "oneOf": [ref(name) for name in names.values()],
        "discriminator": {"propertyName": "type",
                          "mapping": {kind: f"#/components/schemas/{name}" for kind, name in names.items()}},
        "description": "A minimum must not exceed its maximum"}

    def fields(only: Schema) -> Schema:
        return {"type": "object", "maxProperties": MAX_FIELDS, "additionalProperties": {"allOf": [
            ref("FieldSpec"), only]}, "propertyNames": {"pattern": "^(?!__)[A-Za-z0-9_-]{1,64}$"}}

    no_files = {"properties": {"type": {"not": {"enum": ["file", "array_file"]}}}}
    visible = {"properties": {"hidden": {"not": {"const": True}}}}
    schemas["TaskSpec"] = obj({"input_spec": fields(no_files), "output_spec": fields(visible),
                               "view_spec": {"description": "Echoed as sent (classic or tb)"}},
                              ("input_spec", "output_spec"))
    return schemas


def project_schemas() -> dict[str, Schema]:
    writable: dict[str, Schema] = {
        "public_name": {"type": "string"}, "public_description": {"type": "string"},
        "public_instructions": TEXT, "private_comment": TEXT, "task_spec": ref("TaskSpec"),
        "assignments_issuing_type": nullable({"type": "string", "enum": ["AUTOMATED", "MAP_SELECTOR"]}),
        "assignments_issuing_view_config": nullable(ANY_OBJECT), "assignments_automerge_enabled": FLAG,
        "metadata": nullable({"type": "object", "additionalProperties": STRINGS}),
        "quality_control": nullable(ANY_OBJECT), "localization_config": nullable(ANY_OBJECT)}
    required = ("public_name", "public_description", "task_spec")
    project_in = obj(writable, required, description="id, status and created are ignored if sent")
    project_in |= {"if": {"properties": {"assignments_issuing_type": {"const": "MAP_SELECTOR"}},
                          "required": ["assignments_issuing_type"]},
                   "then": {"properties": {"assignments_issuing_view_config": ANY_OBJECT},
                            "required": ["assignments_issuing_view_config"]}}
    server = {"id": NUMERIC_ID, "status": {"type": "string", "enum": ["ACTIVE", "ARCHIVED"]},
              "created": TIMESTAMP}
    return {"ProjectInput": project_in,
            "Project": obj(writable | server, ("id", *required, "status", "created"))}


def pool_schemas() -> dict[str, Schema]:
    count, priority = nullable(COUNT), nullable({"type": "integer", "minimum": -100, "maximum": 100})
    mixer = obj({name: count for name in ("real_tasks_count", "golden_tasks_count", "training_tasks_count")})
    writable: dict[str, Schema] = {
        "project_id": NUMERIC_ID, "private_name": {"type": "string"}, "private_comment": TEXT,
        "public_description": TEXT, "public_instructions": TEXT, "may_contain_adult_content": FLAG,
        "reward_per_assignment": nullable({"type": "number", "minimum": 0}),
        "assignment_max_duration_seconds": nullable({"type": "integer", "minimum": 1}),
        "auto_close_after_complete_delay_seconds": count, "auto_accept_solutions": FLAG,
        "auto_accept_period_day": count, "priority": priority, "will_expire": nullable(TIME_IN),
        "defaults": nullable(obj({"default_overlap_for_new_tasks": count,
                                  "default_overlap_for_new_task_suites": count})),
        "mixer_config": nullable(mixer),
        "metadata": nullable({"type": "object", "additionalProperties": STRINGS}),
        **{name: nullable(ANY_OBJECT) for name in (
            "filter", "quality_control", "assignments_issuing_config", "dynamic_pricing_config",
            "dynamic_overlap_config", "training_config", "speed_quality_balance")}}
    server = {
        "id": NUMERIC_ID, "status": {"type": "string", "enum": ["OPEN", "CLOSED", "ARCHIVED"]},
        "type": {"const": "REGULAR"}, "owner": obj({"id": NUMERIC_ID, "myself": {"type": "boolean"}}),
        "created": TIMESTAMP, "last_started": TIMESTAMP, "last_stopped": TIMESTAMP,
        "last_close_reason": {"type": "string"},
        "private_name": {"type": "string"}, "will_expire": TEXT}  # will_expire is kept as sent
    patchable = ("private_comment", "public_description", "public_instructions")
    return {
        "PoolInput": obj(writable | {"type": {"not": {"const": "TRAINING"}}}, ("project_id", "private_name"),
                         description="project_id must name one of your ACTIVE projects; read-only fields "
                                     "(id, status, created, owner, type, last_*) are ignored"),
        "Pool": obj(writable | server,
                    ("id", "project_id", "private_name", "status", "type", "owner", "created")),
        "PoolCounts": obj({"pool_id": NUMERIC_ID, "task_count": {"type": "integer", "minimum": 0},
                           "golden_count": {"type": "integer", "minimum": 0},
                           "task_suite_count": {"type": "integer", "minimum": 0}},
                          ("pool_id", "task_count", "golden_count", "task_suite_count"), extra=False),
        "PoolPatch": obj({**{name: TEXT for name in patchable}, "private_name": {"type": "string"},
                          "priority": priority}, extra=False),
    }


def _finite_or_infinite(schema: Schema) -> Schema:
    """A stored object is finite (`overlap` and `remaining_overlap`) or infinite (neither), never both."""
    schema["oneOf"] = [
        {"properties": {"infinite_overlap": {"const": False}}, "required": ["overlap", "remaining_overlap"]},
        {"properties": {"infinite_overlap": {"const": True}},
         "not": {"anyOf": [{"required": ["overlap"]}, {"required": ["remaining_overlap"]}]}}]
    return schema


def task_schemas() -> dict[str, Schema]:
    """Tasks and task suites as sent (`*Input`), as stored, as patched and as created in a batch."""
    weight = nullable({"type": "number", "minimum": 0, "maximum": 1})
    overlap_in = nullable({"type": "integer", "minimum": 1, "maximum": MAX_OVERLAP})
    pool_in = {"oneOf": [NUMERIC_ID, {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}]}
    known = {"type": "array", "items": ref("KnownSolution")}
    baseline = {"type": "array", "items": ref("BaselineSolution")}
    content = {"input_values": ANY_OBJECT, "known_solutions": known, "message_on_unknown_solution": TEXT}
    content_in = content | {"known_solutions": nullable(known)}
    common_in = {"pool_id": pool_in, "overlap": overlap_in, "infinite_overlap": FLAG,
                 **{name: nullable(STRINGS) for name in STRING_LISTS}}
    task_in = common_in | content_in | {"baseline_solutions": nullable(baseline), "__item_idx": {
        "type": "string", "description": "toloka-kit's item index: accepted, never stored"}}
    suite_in = common_in | {"issuing_order_override": NUMBER, "mixed": FLAG, "longitude": NUMBER,
                            "latitude": NUMBER}
    inner_in = content_in | {"id": {"description": "Ignored"}, "origin_task_id": {"description": "Ignored"}}
    stored = {"id": TASK_ID, "pool_id": NUMERIC_ID, "overlap": COUNT, "remaining_overlap": COUNT,
              "infinite_overlap": {"type": "boolean"}, "created": TIMESTAMP,
              **{name: STRINGS for name in STRING_LISTS}}
    batch = {f"{name}BatchCreateResult": obj({
        "items": map_of(ref(name), "^[0-9]+$", "Index in the request array -> the created object"),
        "validation_errors": ref("ItemValidationErrors")}, ("items", "validation_errors"), extra=False)
        for name in ("Task", "TaskSuite")}
    return batch | {
        "KnownSolution": obj({"output_values": ANY_OBJECT, "correctness_weight": weight}, ("output_values",),
                             extra=False),
        "BaselineSolution": obj({"output_values": {"not": {"type": "null"}}, "confidence_weight": weight},
                                ("output_values",), extra=False),
        "TaskInput": obj(task_in, ("pool_id", "input_values"), description=(
            "Without overlap or infinite_overlap: allow_defaults=true and a pool default are needed. Unknown "
            "fields are stored and echoed; read-only ones (id, created, remaining_overlap) are dropped")),
        "Task": _finite_or_infinite(obj(task_in | content | stored | {"baseline_solutions": baseline},
                                        ("id", "pool_id", "input_values", "infinite_overlap", "created"))),
        "TaskSuiteInput": obj(suite_in | {"tasks": {"type": "array", "minItems": 1, "items": obj(
            inner_in, ("input_values",), extra=False)}}, ("pool_id", "tasks")),
        "TaskSuite": _finite_or_infinite(obj(
            suite_in | {"tasks": {"type": "array", "items": obj(content, ("input_values",), extra=False)}}
            | stored,
            ("id", "pool_id", "tasks", "infinite_overlap", "created"))),
        "TaskPatch": obj({"overlap": overlap_in, "infinite_overlap": FLAG, "known_solutions": nullable(known),
                          "baseline_solutions": nullable(baseline), "message_on_unknown_solution": TEXT},
                         extra=False),
        "TaskSuitePatch": obj({"overlap": overlap_in, "infinite_overlap": FLAG,
                               "issuing_order_override": NUMBER}, extra=False),
        "OverlapPatch": obj({"overlap": nullable(COUNT | {"maximum": MAX_OVERLAP}), "infinite_overlap": FLAG},
                            extra=False, description="0 stops it; Talaka issues no assignments, so any "
                                                     "overlap from 0 is allowed"),
        "DryRunResult": obj({"items_count": COUNT, "valid_count": COUNT,
                             "validation_errors": ref("ItemValidationErrors")},
                            ("items_count", "valid_count", "validation_errors"), extra=False,
                            description="dry_run=true: every item checked, nothing created"),
    }


def operation_schemas() -> dict[str, Schema]:
    flags = {name: {"type": "boolean"} for name in ("skip_invalid_items", "allow_defaults", "open_pool")}
    counts = {f"{name}_count": COUNT for name in ("items", "valid", "invalid", "created")}
    types = ["TASK.BATCH_CREATE", "TASK_SUITE.BATCH_CREATE", "POOL.OPEN", "POOL.CLOSE", "POOL.ARCHIVE",
             "PROJECT.ARCHIVE"]
    log_types = ["TASK_CREATE", "TASK_VALIDATE", "TASK_SUITE_CREATE", "TASK_SUITE_VALIDATE"]
    return {
        "Operation": obj({
            "id": {"type": "string", "description": "The request's operation_id, else a new UUID"},
            "type": {"type": "string", "enum": types},
            "status": {"type": "string", "enum": ["PENDING", "RUNNING", "SUCCESS", "FAIL"]},
            "submitted": TIMESTAMP, "started": TIMESTAMP, "finished": TIMESTAMP,
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "parameters": obj(flags | {"pool_id": NUMERIC_ID, "project_id": NUMERIC_ID}, description=(
                "Batch creates: the three flags; pool operations: pool_id; project archive: project_id")),
            "details": obj(counts, description="Batch creates: counts so far; status changes: {}"),
        }, ("id", "type", "status", "submitted", "progress", "parameters", "details"), extra=False),
        "OperationLogItem": obj({
            "type": {"type": "string", "enum": log_types}, "success": {"type": "boolean"},
            "input": obj({"__item_idx": {"type": "string"}}, ("__item_idx",),
                         description="The stored object (success) or the item as sent (failure)"),
            "output": {"type": "object", "description": "{task_id} or {task_suite_id} on success, else field "
                                                        "path -> FieldValidationError"},
        }, ("type", "success", "input", "output"), extra=False),
    }


ERRORS = {400: ("BadRequest", "VALIDATION_ERROR: a malformed body or query parameter, or an unusable object"),
          401: ("Unauthorized", "AUTHENTICATION_ERROR: the Authorization header is missing or wrong"),
          404: ("NotFound", "DOES_NOT_EXIST: no such object among yours"),
          409: ("Conflict", "The object's state forbids this (EMPTY_POOL, OPERATION_ALREADY_EXISTS, ...)"),
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


def components() -> Schema:
    schemas = (common_schemas() | field_spec_schemas() | project_schemas() | pool_schemas() | task_schemas()
               | operation_schemas())
    schemas |= {f"{name}Page": obj({"items": {"type": "array", "items": ref(name)},
                                    "has_more": {"type": "boolean"}}, ("items", "has_more"), extra=False)
                for name in ("Project", "Pool", "Task", "TaskSuite", "Operation")}
    envelope = {JSON: {"schema": ref("ErrorEnvelope")}}
    responses = {name: {"description": text, "headers": headers(), "content": envelope}
                 for name, text in ERRORS.values()}
    responses["TooManyRequests"]["headers"] = headers() | {
        name: {"required": True, "schema": {"type": "integer"}} for name in RATE_HEADERS}
    header_docs: dict[str, Schema] = {name: {"schema": {"type": "integer"}, "description": "Creation quota"}
                                      for name in RATE_HEADERS}
    header_docs["X-Request-Id"] = {"required": True, "schema": {"type": "string"},
                                   "description": "The request's id, also in error bodies and the server log"}
    ids = (("ProjectId", "project_id", "A project"), ("PoolId", "pool_id", "A pool"),
           ("TaskId", "task_id", "A task (or task suite)"), ("OperationId", "operation_id", "An operation"))
    path_id = {"type": "string", "minLength": 1}
    parameters = {key: {"name": name, "in": "path", "required": True, "schema": path_id,
                        "description": f"{what} id; any other string gets 404"} for key, name, what in ids}
    return {"schemas": schemas, "responses": responses, "headers": header_docs, "parameters": parameters,
            "securitySchemes": {"OAuth": {
                "type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`OAuth <token>` (`ApiKey <token>` and `Bearer <token>` work too); "
                               "create a token with `talaka requester create NAME`"}}}


def query(name: str, schema: Schema, description: str = "") -> Schema:
    found: Schema = {"name": name, "in": "query", "schema": schema}
    return found | ({"description": description} if description else {})


def search_query(resource: sp.Resource) -> list[Schema]:
    """The filters `parse_search` takes for `resource`, typed by the parser each one goes through."""
    text: Schema = {"type": "string"}
    types: dict[sp.Parser, Schema] = {
        sp.numeric_id: NUMERIC_ID, sp.task_id: TASK_ID, sp.timestamp: TIME_IN, sp.text: text,
        sp.integer: {"type": "integer", "minimum": 1 - 10**17, "maximum": 10**18 - 1}}
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
       params: list[Schema] | None = None, body: Schema | None = None) -> Schema:
    """One operation. Every authenticated one may answer 400 (an unknown query parameter), 401, 500
    and 503; one with a body may also answer 413 and 415."""
    found: Schema = {"operationId": op_id, "summary": summary}
    if params:
        found["parameters"] = params
    if body is not None:
        found["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    codes = {400, 401, 500, 503, *errors} | ({413, 415} if body is not None else set())
    found["responses"] = {str(code): answer for code, answer in sorted(success.items())}
    found["responses"] |= {str(code): ref(ERRORS[code][0], "responses") for code in sorted(codes)}
    return found


def status_change(op_id: str, summary: str, param: str) -> Schema:
    return {"parameters": [ref(param, "parameters")], "post": op(op_id, summary, {
        202: json_response("Done at once, recorded as a finished operation", ref("Operation")),
        204: {"description": "Already in that status: nothing done", "headers": headers()}}, (404, 409))}


def project_paths() -> dict[str, Schema]:
    project = ref("Project")
    return {
        f"{V1}/projects": {
            "post": op("create_project", "Create a project", {201: json_response("Created", project)},
                       body=ref("ProjectInput")),
            "get": op("find_projects", "Find projects", {200: json_response("A page", ref("ProjectPage"))},
                      params=search_query(sp.PROJECTS))},
        f"{V1}/projects/{{project_id}}": {
            "parameters": [ref("ProjectId", "parameters")],
            "get": op("get_project", "Get a project", {200: json_response("Found", project)}, (404,)),
            "put": op("update_project", "Replace a project's writable fields",
                      {200: json_response("Updated", project)}, (404,), body=ref("ProjectInput"))},
        f"{V1}/projects/{{project_id}}/archive": status_change(
            "archive_project", "Archive a project (409 while it has open pools)", "ProjectId"),
    }


def pool_paths() -> dict[str, Schema]:
    pool, storage = ref("Pool"), query("storage_key", {"type": "string"}, "Accepted for toloka-kit, ignored")
    paths: dict[str, Schema] = {
        f"{V1}/pools": {
            "post": op("create_pool", "Create a pool (status CLOSED)", {201: json_response("Created", pool)},
                       (409,), params=[storage], body=ref("PoolInput")),
            "get": op("find_pools", "Find pools", {200: json_response("A page", ref("PoolPage"))},
                      params=search_query(sp.POOLS))},
        f"{V1}/pools/{{pool_id}}": {
            "parameters": [ref("PoolId", "parameters")],
            "get": op("get_pool", "Get a pool", {200: json_response("Found", pool)}, (404,)),
            "put": op("update_pool", "Replace a pool's writable fields (same project)",
                      {200: json_response("Updated", pool)}, (404,), body=ref("PoolInput")),
            "patch": op("patch_pool", "Change some of a pool's texts or its priority",
                        {200: json_response("Updated", pool)}, (404,), body=ref("PoolPatch"))},
        f"{V1}/pools/{{pool_id}}/counts": {
            "parameters": [ref("PoolId", "parameters")],
            "get": op("get_pool_counts", "Talaka's extension: how many tasks, golden tasks and task suites",
                      {200: json_response("Counted", ref("PoolCounts"))}, (404,))}}
    for action, text in (("open", "Open a pool (409 EMPTY_POOL without tasks)"), ("close", "Close a pool"),
                         ("archive", "Archive a closed pool")):
        paths[f"{V1}/pools/{{pool_id}}/{action}"] = status_change(f"{action}_pool", text, "PoolId")
    return paths


def create_params() -> list[Schema]:
    flag = {"type": "boolean", "default": False}
    return [query("operation_id", {"type": "string", "format": "uuid"},
                  "Idempotency key: a repeat gets the first answer (sync) or 409 (async)"),
            query("async_mode", {"type": "boolean", "default": True}, "false: create now and answer 201"),
            query("allow_defaults", flag, "Take the pool's default overlap for items without one"),
            query("open_pool", flag, "Open the pool once the items are created"),
            query("skip_invalid_items", flag, "Create the valid items even if some are invalid"),
            query("dry_run", flag, "Talaka's extension: validate only and answer 200 DryRunResult")]


def task_paths(name: str, path: str, kind: str) -> dict[str, Schema]:
    """The five routes `tasks.routes_for` serves for tasks or for task suites."""
    base, item, what = f"{V1}/{path}", [ref("TaskId", "parameters")], kind.replace("_", " ")
    created = {"anyOf": [ref(f"{name}BatchCreateResult"), ref(name)],
               "description": f"An array body gives a {name}BatchCreateResult, a single object a {name}"}
    body = {"anyOf": [ref(f"{name}Input"), {"type": "array", "minItems": 1, "items": ref(f"{name}Input")}]}
    updated = {200: json_response("Updated", ref(name))}
    create = op(f"create_{kind}s", f"Create {what}s", {
        200: json_response("dry_run=true: the validation report", ref("DryRunResult"), rate=True),
        201: json_response("async_mode=false: created", created, rate=True),
        202: json_response("async_mode=true (default): the operation", ref("Operation"), rate=True)},
        (409, 429), params=create_params(), body=body)
    create["description"] = (
        "Sync requests take up to 5,000 items, async ones 100,000 (server settings). An invalid item refuses "
        "the whole request (400, payload by item index) unless skip_invalid_items=true and some item is "
        "valid; dry_run=true reports on any body.")
    return {
        base: {
            "post": create,
            "get": op(f"find_{kind}s", f"Find {what}s", {200: json_response("A page", ref(f"{name}Page"))},
                      params=search_query(sp.TASKS))},
        f"{base}/{{task_id}}": {
            "parameters": item,
            "get": op(f"get_{kind}", f"Get a {what}", {200: json_response("Found", ref(name))}, (404,)),
            "patch": op(f"patch_{kind}", f"Change a {what}", updated, (404,), body=ref(f"{name}Patch"))},
        f"{base}/{{task_id}}/set-overlap-or-min": {
            "parameters": item,
            "patch": op(f"set_{kind}_overlap_or_min", "Set the overlap (0 stops it)", updated, (404,),
                        body=ref("OverlapPatch"))},
    }


def operation_paths() -> dict[str, Schema]:
    item, log = [ref("OperationId", "parameters")], {"type": "array", "items": ref("OperationLogItem")}
    return {
        f"{V1}/operations": {"get": op("find_operations", "Find operations", {
            200: json_response("A page", ref("OperationPage"))}, params=search_query(sp.OPERATIONS))},
        f"{V1}/operations/{{operation_id}}": {"parameters": item, "get": op(
            "get_operation", "Get an operation", {200: json_response("Found", ref("Operation"))}, (404,))},
        f"{V1}/operations/{{operation_id}}/log": {"parameters": item, "get": op(
            "get_operation_log", "A batch create's log by item index (empty for status changes), one page",
            {200: json_response("The log", log)}, (404,))},
    }


def paths() -> dict[str, Schema]:
    """Every route, tagged by its resource; `/openapi.json` itself needs no token."""
    found = ({f"{V1}/requester": {"get": op("get_requester", "Who the token belongs to", {
                 200: json_response("The requester", ref("Requester"))})}}
             | project_paths() | pool_paths() | task_paths("Task", "tasks", "task")
             | task_paths("TaskSuite", "task-suites", "task_suite") | operation_paths())
    for path, item in found.items():
        for method, operation in item.items():
            if method != "parameters":
                operation["tags"] = [path.removeprefix(V1 + "/").split("/")[0]]
    found["/openapi.json"] = {"get": {
        "operationId": "get_openapi", "summary": "This document", "tags": ["meta"], "security": [],
        "responses": {"200": json_response("OpenAPI 3.1", ANY_OBJECT)}}}
    return found


def build_document() -> Schema:
    """The whole OpenAPI 3.1 document as plain data (what `/openapi.json` serves, encoded)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Talaka", "version": __version__, "description": (
            "Self-hosted task pools over the Toloka API v1 wire format. Every error body is "
            "{request_id, code, message, payload}; times are naive UTC ISO 8601.")},
        "servers": [{"url": "/"}], "security": [{"OAuth": []}], "paths": paths(), "components": components(),
    }


DOCUMENT = msgspec.json.encode(build_document())


async def openapi_json(request: Request) -> Response:
    return json_bytes(DOCUMENT)


routes = [Route("/openapi.json", openapi_json, methods=["GET"])]
