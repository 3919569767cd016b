"""Projects, pools, tasks, task suites and operations: the Toloka objects of `/api/v1`, as sent and as
stored, and the routes that create, find, change and open them.

The schemas describe what the routes really answer, not what Toloka documents: optional fields sent as
`null` are stored and echoed as `null`, and unknown fields are echoed (`additionalProperties: true`).
"""

from __future__ import annotations

from talaka.api import search_params as sp
from talaka.api.openapi.schema import (
    ANY_OBJECT,
    COUNT,
    FLAG,
    NUMBER,
    NUMERIC_ID,
    STRINGS,
    TASK_ID,
    TEXT,
    TIME_IN,
    TIMESTAMP,
    V1,
    Schema,
    json_response,
    map_of,
    nullable,
    obj,
    op,
    query,
    ref,
    search_query,
    status_change,
)
from talaka.core.batch import STRING_LISTS
from talaka.core.fieldspec import FIELD_TYPES, INT64_MAX, INT64_MIN, MAX_FIELDS
from talaka.core.overlap import MAX_OVERLAP


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
        "type": {"type": "string", "enum": ["REGULAR", "TRAINING"],
                 "description": "TRAINING for a training read through the pool routes"}, "owner": obj({"id": NUMERIC_ID, "myself": {"type": "boolean"}}),
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
             "PROJECT.ARCHIVE", "ANALYTICS", "TRAINING.OPEN", "TRAINING.CLOSE", "TRAINING.ARCHIVE", "TRAINING.CLONE",
             "USER_BONUS.BATCH_CREATE", "SOLUTION.AGGREGATE"]
    log_types = ["TASK_CREATE", "TASK_VALIDATE", "TASK_SUITE_CREATE", "TASK_SUITE_VALIDATE", "USER_BONUS_PERSIST",
                 "USER_BONUS_VALIDATE"]
    analytics = {"type": "array", "items": ref("AnalyticsRequest")}
    results = {"type": "array", "items": ref("AnalyticsResult")}
    return {
        "Operation": obj({
            "id": {"type": "string", "description": "The request's operation_id, else a new UUID"},
            "type": {"type": "string", "enum": types},
            "status": {"type": "string", "enum": ["PENDING", "RUNNING", "SUCCESS", "FAIL"]},
            "submitted": TIMESTAMP, "started": TIMESTAMP, "finished": TIMESTAMP,
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "parameters": obj(flags | {"pool_id": NUMERIC_ID, "project_id": NUMERIC_ID, "training_id": NUMERIC_ID,
                                       "value": analytics, "type": {"type": "string"},
                                       "answer_weight_skill_id": NUMERIC_ID, "fields": {"type": "array"}},
                              description=("Batch creates: the three flags; pool operations: pool_id; training "
                                           "operations: training_id; project archive: project_id; ANALYTICS: "
                                           "value, the requests; SOLUTION.AGGREGATE: pool_id, type, fields and "
                                           "answer_weight_skill_id as asked")),
            "details": obj(counts | {"value": results, "training_id": NUMERIC_ID, "answers_count": COUNT,
                                     "performers_count": COUNT, "tasks_count": COUNT}, description=(
                "Batch creates: counts so far; status changes: {}; TRAINING.CLONE: training_id, the clone; "
                "ANALYTICS: value, a result per request; SOLUTION.AGGREGATE (once done): the answers read, their "
                "performers and the tasks aggregated")),
        }, ("id", "type", "status", "submitted", "progress", "parameters", "details"), extra=False),
        "OperationLogItem": obj({
            "type": {"type": "string", "enum": log_types}, "success": {"type": "boolean"},
            "input": obj({"__item_idx": {"type": "string"}}, ("__item_idx",),
                         description="The stored object (success) or the item as sent (failure)"),
            "output": {"type": "object", "description": "{task_id} or {task_suite_id} on success, else field "
                                                        "path -> FieldValidationError"},
        }, ("type", "success", "input", "output"), extra=False),
    }


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
                      {200: json_response("Updated", pool)}, (404, 409), body=ref("PoolInput")),
            "patch": op("patch_pool", "Change some of a pool's texts or its priority",
                        {200: json_response("Updated", pool)}, (404, 409), body=ref("PoolPatch"))},
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
