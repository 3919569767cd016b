"""The performer API under `/api/performer/v1` (work-loop spec section 2): the performer's profile, the
pools offered, and taking, reading, submitting and skipping task suites.

Every operation takes the performer's token (`PerformerOAuth`), never a requester's. The answers are
closed objects (`additionalProperties: false`) down to each task, so a known solution or a hint that
leaked into a performer's answer would break the document, not only the spec.
"""

from __future__ import annotations

from talaka.api.openapi.schema import (
    ANY_OBJECT,
    ASSIGNMENT_ID,
    BOOLEAN,
    COUNT,
    NUMERIC_ID,
    PERFORMER_ID,
    PERFORMER_V1,
    STRING,
    TEXT,
    TIMESTAMP,
    Schema,
    comma_list,
    json_response,
    obj,
    op,
    page_of,
    query,
    ref,
)
from talaka.api.openapi.work import ASSIGNED_TASK_ID, STATUS, profile_properties
from talaka.api.performer.assignments import MAX_LIST
from talaka.core.assignments import STATUSES


def performer_api_schemas() -> dict[str, Schema]:
    money = {"type": "number", "minimum": 0}
    task = obj({"id": ASSIGNED_TASK_ID, "input_values": ANY_OBJECT}, ("id", "input_values"), extra=False,
               description="Only the id and the input values: never known solutions or hints")
    spec = obj({"input_spec": ANY_OBJECT, "output_spec": ANY_OBJECT, "view_spec": {
        "description": "The project's view_spec as the requester wrote it ({} when none)"}},
        ("input_spec", "output_spec", "view_spec"), extra=False)
    feedback = obj({"task_index": COUNT, "correct": BOOLEAN, "hint": TEXT | {
        "description": "The training task's message_on_unknown_solution, only where correct is false"}},
        ("task_index", "correct", "hint"), extra=False)
    offer = {
        "pool_id": NUMERIC_ID, "project_id": NUMERIC_ID, "title": STRING | {"description": "public_name"},
        "description": STRING | {"description": "public_description"},
        "instructions": STRING | {"description": "public_instructions, HTML as the requester wrote it"},
        "reward_per_assignment": money, "assignment_max_duration_seconds": {"type": "integer", "minimum": 1},
        "training": BOOLEAN,
        "requester": obj({"id": NUMERIC_ID, "public_name": STRING}, ("id", "public_name"), extra=False)}
    assignment = {
        "id": ASSIGNMENT_ID, "pool_id": NUMERIC_ID, "project_id": NUMERIC_ID, "status": STATUS,
        "created": TIMESTAMP,
        "expires": TIMESTAMP | {"description": "created + assignment_max_duration_seconds"},
        "submitted": TIMESTAMP, "accepted": TIMESTAMP, "rejected": TIMESTAMP, "reward": money,
        "public_comment": STRING, "tasks": {"type": "array", "items": task},
        "solutions": {"type": "array", "items": ref("Solution")}, "task_spec": spec, "instructions": STRING,
        "feedback": {"type": "array", "items": feedback}}
    pool_id = {"oneOf": [NUMERIC_ID, {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}]}
    return {
        "PerformerProfile": obj({"id": PERFORMER_ID, "name": STRING, **profile_properties()},
                                ("id", "name", "languages", "country", "adult_allowed"), extra=False),
        "PoolOffer": obj(offer, tuple(offer), extra=False),
        "PerformerAssignment": obj(assignment, (
            "id", "pool_id", "project_id", "status", "created", "expires", "reward", "tasks", "task_spec",
            "instructions"), extra=False),
        "Take": obj({"pool_id": pool_id}, ("pool_id",), extra=False,
                    description="An open pool from GET /pools"),
        "Submission": obj({"solutions": {"type": "array", "items": ref("Solution")}}, ("solutions",),
                          extra=False, description=(
                              "One solution per task, in the order of tasks; output values are checked "
                              "against the project's output_spec (400 keyed solutions.N.output_values.FIELD, "
                              "nothing stored)")),
        "PoolOfferPage": page_of("PoolOffer"),
        "PerformerAssignmentPage": page_of("PerformerAssignment"),
    }


def list_params() -> list[Schema]:
    return [query("status", comma_list(STATUSES), "Any of these statuses"),
            query("pool_id", NUMERIC_ID), query("id_gt", ASSIGNMENT_ID, "Ids after this one (paging)"),
            query("sort", {"type": "string", "enum": ["id", "-id"], "default": "-id"}, "id: oldest first"),
            query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIST, "default": 50})]


def performer_api_paths() -> dict[str, Schema]:
    assignment, item = ref("PerformerAssignment"), [ref("AssignmentId", "parameters")]
    take = op("take_assignment", "Take a task suite from an open pool (idempotent while one is ACTIVE)", {
        200: json_response("The performer's ACTIVE assignment in that pool", assignment),
        201: json_response("A new assignment", assignment)}, (403, 404, 409), body=ref("Take"),
        performer=True)
    take["description"] = (
        "404 DOES_NOT_EXIST: no such open pool. 403 ACCESS_DENIED with payload.reason FILTER (the pool's "
        "filter keeps this performer out, their skills included), RESTRICTED (a restriction in force, set by "
        "the owner or a quality-control rule) or TRAINING_REQUIRED (with payload.training_pool_id: the "
        "training to pass first). 409 NO_TASKS_AVAILABLE: nothing is left for this performer")
    submit = op("submit_assignment", "Submit the answers of an ACTIVE assignment", {
        200: json_response("SUBMITTED (ACCEPTED with auto_accept_solutions), or as it was when the same "
                           "answers are sent again; in a training, still ACTIVE with feedback when an answer "
                           "is wrong (correct it and submit again)", assignment)},
        (404, 409), body=ref("Submission"), performer=True)
    submit["description"] = ("409 INAPPROPRIATE_STATUS when the assignment is no longer ACTIVE (an EXPIRED "
                             "one says so), unless the same answers were already stored")
    return {
        f"{PERFORMER_V1}/me": {"get": op("get_me", "Who the performer's token belongs to", {
            200: json_response("The performer", ref("PerformerProfile"))}, performer=True)},
        f"{PERFORMER_V1}/pools": {"get": op(
            "find_pool_offers", "Open pools this performer may take a suite from now, by priority then id",
            {200: json_response("Every offer in one page", ref("PoolOfferPage"))}, performer=True)},
        f"{PERFORMER_V1}/assignments": {
            "get": op("find_my_assignments", "The performer's own assignments, newest first unless sort=id",
                      {200: json_response("A page", ref("PerformerAssignmentPage"))}, params=list_params(),
                      performer=True),
            "post": take},
        f"{PERFORMER_V1}/assignments/{{assignment_id}}": {"parameters": item, "get": op(
            "get_my_assignment", "One of the performer's assignments (another performer's is 404)",
            {200: json_response("Found", assignment)}, (404,), performer=True)},
        f"{PERFORMER_V1}/assignments/{{assignment_id}}/submit": {"parameters": item, "post": submit},
        f"{PERFORMER_V1}/assignments/{{assignment_id}}/skip": {"parameters": item, "post": op(
            "skip_assignment", "Give an ACTIVE assignment back: its tasks return to the pool",
            {200: json_response("SKIPPED", assignment)}, (404, 409, 413, 415), performer=True)},
    }
