"""The requester's side of the work loop: performers, assignments as Toloka shows them, review, the
assignments TSV that `get_assignments_df` reads, and pool analytics.

An assignment here carries its tasks as stored, golden tasks' `known_solutions` included (that is how
tutorials tell them apart); the performer's view, which never does, is in `performer`.
"""

from __future__ import annotations

from talaka.api import search_params as sp
from talaka.api.analytics import MAX_INTERVAL_HOURS, MAX_REQUESTS, METRICS
from talaka.api.openapi.schema import (
    ANY_OBJECT,
    ASSIGNMENT_ID,
    BOOLEAN,
    COUNT,
    FLAG,
    NUMERIC_ID,
    PERFORMER_ID,
    STRING,
    STRINGS,
    TASK_ID,
    TEXT,
    TIME_IN,
    TIMESTAMP,
    V1,
    Schema,
    comma_list,
    headers,
    json_response,
    nullable,
    obj,
    op,
    page_of,
    query,
    ref,
    search_query,
)
from talaka.api.performers import DEFAULT_LIMIT, MAX_LIMIT
from talaka.core.assignments import MAX_COMMENT, STATUSES
from talaka.core.performers import MAX_NAME
from talaka.core.tsv import ASSIGNMENT_FIELDS, DEFAULT_FIELDS, TSV_STATUSES

TSV_PATH = "/api/new/requester/pools/{pool_id}/assignments.tsv"
ANALYTICS_PATH = "/api/staging/analytics-2"
TSV = "text/tab-separated-values"
ASSIGNED_TASK_ID: Schema = {"type": "string", "pattern": "^[0-9a-f]{10}--[0-9a-f]{24}(-[0-9]+)?$",
                            "description": "A task's id, or a task suite's id and the task's position in it"}
LANGUAGE: Schema = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 639-1, upper case"}
COUNTRY: Schema = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}
STATUS: Schema = {"type": "string", "enum": list(STATUSES)}


def profile_properties() -> dict[str, Schema]:
    """A performer's profile as every answer shows it (the filters' `profile` keys)."""
    return {"languages": {"type": "array", "items": LANGUAGE}, "country": nullable(COUNTRY),
            "adult_allowed": BOOLEAN}


def performer_schemas() -> dict[str, Schema]:
    any_case = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
    return {
        "PerformerInput": obj({
            "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME, "pattern": r"\S"},
            "languages": nullable({"type": "array", "items": any_case | {"description": "ISO 639-1 (EN)"}}),
            "country": nullable(any_case | {"description": "ISO 3166-1 alpha-2 (GB)"}),
            "adult_allowed": FLAG | {"default": False}}, ("name",), extra=False,
            description="Codes are stored upper case; the name without surrounding spaces"),
        "Performer": obj({"id": PERFORMER_ID, "name": STRING, **profile_properties(), "created": TIMESTAMP,
                          "token": STRING | {"description": "The performer's token, shown here only"}},
                         ("id", "name", "languages", "country", "adult_allowed", "created", "token"),
                         extra=False),
        "KnownPerformer": obj({"id": PERFORMER_ID, "name": STRING, **profile_properties(), "created": TIMESTAMP},
                              ("id", "name", "languages", "country", "adult_allowed", "created"), extra=False,
                              description="A performer you created or who worked in your pools; no token"),
        "KnownPerformerPage": page_of("KnownPerformer"),
        "UserMetadata": obj({"id": PERFORMER_ID, **profile_properties(), "attributes": ANY_OBJECT},
                            ("id", "country", "languages", "adult_allowed", "attributes"), extra=False),
    }


def assignment_schemas() -> dict[str, Schema]:
    solutions = {"type": "array", "items": ref("Solution")}
    times = {name: TIMESTAMP for name in ("submitted", "accepted", "rejected", "skipped", "expired")}
    comment = {"type": "string", "maxLength": MAX_COMMENT}
    return {
        "Solution": obj({"output_values": ANY_OBJECT}, ("output_values",), extra=False,
                        description="One task's answer, valid against the project's output_spec"),
        "AssignedTask": obj({
            "id": ASSIGNED_TASK_ID, "pool_id": NUMERIC_ID, "input_values": ANY_OBJECT,
            "known_solutions": {"type": "array", "items": ref("KnownSolution")},
            "message_on_unknown_solution": TEXT, "overlap": COUNT, "remaining_overlap": COUNT,
            "infinite_overlap": BOOLEAN, "created": TIMESTAMP}, ("id", "pool_id", "input_values"),
            description="The task as stored (a golden task keeps its known_solutions), or a suite's task"),
        "Assignment": obj({
            "id": ASSIGNMENT_ID,
            "task_suite_id": TASK_ID | {"description": "The suite, or the assignment's own id (mixer)"},
            "pool_id": NUMERIC_ID, "user_id": PERFORMER_ID, "status": STATUS,
            "reward": {"type": "number", "minimum": 0}, "bonus_ids": STRINGS,
            "tasks": {"type": "array", "items": ref("AssignedTask")}, "solutions": solutions,
            "first_declined_solution_attempt": solutions, "mixed": BOOLEAN, "automerged": BOOLEAN,
            "created": TIMESTAMP, **times, "public_comment": STRING,
            "owner": obj({"id": NUMERIC_ID, "myself": BOOLEAN}, ("id", "myself"), extra=False)},
            ("id", "task_suite_id", "pool_id", "user_id", "status", "reward", "bonus_ids", "tasks", "mixed",
             "automerged", "created", "owner"), extra=False),
        "AssignmentPatch": obj({"status": {"type": "string", "enum": ["ACCEPTED", "REJECTED"]},
                                "public_comment": nullable(comment)}, ("status",), extra=False, description=(
            "SUBMITTED -> ACCEPTED or REJECTED, REJECTED -> ACCEPTED; anything else is 409 "
            "INAPPROPRIATE_STATUS. A rejection says why: the performer sees the comment")) | {
            "if": {"properties": {"status": {"const": "REJECTED"}}},
            "then": {"properties": {"public_comment": comment | {"pattern": r"\S"}},
                     "required": ["public_comment"]}},
    }


def analytics_schemas() -> dict[str, Schema]:
    by_filter = "active_workers_by_filter_count"
    request = obj({"subject": {"const": "POOL"},
                   "subject_id": NUMERIC_ID | {"description": "One of your pools"},
                   "name": {"type": "string", "enum": sorted(METRICS)},
                   "interval_hours": {"description": f"Hours to look back: required by {by_filter}, ignored "
                                                     "and echoed by the others"}},
                  ("subject", "subject_id", "name"), description="Other fields are echoed in the operation")
    request |= {"if": {"properties": {"name": {"const": by_filter}}, "required": ["name"]},
                "then": {"required": ["interval_hours"],
                         "properties": {"interval_hours": {"type": "integer", "minimum": 1,
                                                           "maximum": MAX_INTERVAL_HOURS}}}}
    percentage = {"type": STRING, "value": {"type": "number"}, "infinite": BOOLEAN, "approximate": BOOLEAN}
    return {
        "AnalyticsRequest": request,
        "AnalyticsResult": obj({
            "result": {"anyOf": [{"type": "number"}, obj(percentage, tuple(percentage), extra=False)],
                       "description": "completion_percentage is {type, value, infinite, approximate}; "
                                      "the rest are numbers"},
            "request": ref("AnalyticsRequest"), "finished": TIMESTAMP}, ("result", "request", "finished"),
            extra=False),
    }


def progress_schemas() -> dict[str, Schema]:
    count = {"type": "integer", "minimum": 0}
    return {
        "PoolProgress": obj({
            "pool_id": NUMERIC_ID, "status": {"type": "string", "enum": ["OPEN", "CLOSED", "ARCHIVED"]},
            "last_close_reason": {"type": ["string", "null"]}, "now": TIMESTAMP,
            "window_seconds": {"type": "integer", "minimum": 1},
            "completion_percentage": {"type": "number", "minimum": 0, "maximum": 100},
            "assignments": obj(dict.fromkeys(STATUSES, count), STATUSES, extra=False),
            "performers_at_work": count, "estimated_assignments_count": {"type": "number", "minimum": 0},
            "submitted_since": TIMESTAMP, "submitted_recently": count},
            ("pool_id", "status", "now", "window_seconds", "completion_percentage", "assignments",
             "performers_at_work", "estimated_assignments_count", "submitted_since", "submitted_recently"),
            extra=False, description="submitted_recently counts the assignments submitted since submitted_since "
                                     "(window_seconds before now)"),
    }


def work_schemas() -> dict[str, Schema]:
    return performer_schemas() | assignment_schemas() | analytics_schemas() | progress_schemas()


def tsv_params() -> list[Schema]:
    statuses = comma_list(list(TSV_STATUSES)) | {"default": "APPROVED"}
    columns = comma_list(ASSIGNMENT_FIELDS, "ASSIGNMENT:") | {"default": ",".join(DEFAULT_FIELDS)}
    return [query("status", statuses, "Toloka's words: APPROVED is ACCEPTED"),
            query("startTimeFrom", TIME_IN, "Submitted at or after"),
            query("startTimeTo", TIME_IN, "Submitted at or before"),
            query("field", columns, "The ASSIGNMENT:* columns, in this order"),
            query("excludeBanned", STRING, "Accepted for toloka-kit, ignored"),
            query("addRowDelimiter", STRING, "Accepted for toloka-kit, ignored")]


def work_paths() -> dict[str, Schema]:
    assignment, item = ref("Assignment"), [ref("AssignmentId", "parameters")]
    tsv = {"description": ("A header, then one row per task per assignment: INPUT:*, OUTPUT:*, GOLDEN:* "
                           "(empty for general tasks), HINT:text and the ASSIGNMENT:* columns asked for"),
           "headers": headers(), "content": {TSV: {"schema": {"type": "string"}}}}
    analytics = {"type": "array", "minItems": 1, "maxItems": MAX_REQUESTS, "items": ref("AnalyticsRequest")}
    return {
        f"{V1}/performers": {"post": op(
            "create_performer", "Talaka's extension: create a performer account and its token",
            {201: json_response("Created; the token is shown only here", ref("Performer"))},
            body=ref("PerformerInput")),
            "get": op("find_performers", "Talaka's extension: the performers you created or who worked in your "
                      "pools, by id", {200: json_response("A page", ref("KnownPerformerPage"))}, params=[
                          query("id_gt", PERFORMER_ID, "Start after this performer id (the last of the page before)"),
                          query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                          "default": DEFAULT_LIMIT})])},
        f"{V1}/user-metadata/{{user_id}}": {"parameters": [ref("UserId", "parameters")], "get": op(
            "get_user_metadata", "A performer's profile (one you created or who worked in your pools)",
            {200: json_response("Found", ref("UserMetadata"))}, (404,))},
        f"{V1}/assignments": {"get": op(
            "find_assignments", "Find assignments in your pools",
            {200: json_response("A page", ref("AssignmentPage"))}, params=search_query(sp.ASSIGNMENTS))},
        f"{V1}/assignments/{{assignment_id}}": {
            "parameters": item,
            "get": op("get_assignment", "Get an assignment", {200: json_response("Found", assignment)},
                      (404,)),
            "patch": op("patch_assignment", "Accept or reject a submitted assignment",
                        {200: json_response("Reviewed", assignment)}, (404, 409),
                        body=ref("AssignmentPatch"))},
        TSV_PATH: {"parameters": [ref("PoolId", "parameters")], "get": op(
            "get_assignments_tsv", "A pool's assignments as TSV (toloka-kit's get_assignments_df)",
            {200: tsv},
            (404,), params=tsv_params())},
        f"{V1}/pools/{{pool_id}}/progress": {
            "parameters": [ref("PoolId", "parameters")],
            "get": op("get_pool_progress", "Talaka's extension: completion, assignments by status, performers at "
                      "work and recent submits, in one read (no analytics operation is recorded)",
                      {200: json_response("Measured", ref("PoolProgress"))}, (404,))},
        ANALYTICS_PATH: {"post": op(
            "get_analytics", "Pool figures, answered as an ANALYTICS operation that has already finished",
            {202: json_response("The finished operation: details.value holds the results", ref("Operation"))},
            (404,), body=analytics)},
    }
