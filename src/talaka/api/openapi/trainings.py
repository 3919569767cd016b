"""Trainings: the Training object as sent and as stored, its operations, and the `/v1/trainings` routes.

Like pools, optional fields sent as `null` are stored and echoed as `null`, and unknown fields are
echoed. The routes are served by `talaka.api.trainings`; the search parameters come from its table.
"""

from __future__ import annotations

from talaka.api import trainings as routes
from talaka.api.openapi.schema import (
    COUNT,
    FLAG,
    NUMERIC_ID,
    STRING,
    STRINGS,
    TEXT,
    TIMESTAMP,
    V1,
    Schema,
    headers,
    json_response,
    nullable,
    obj,
    op,
    page_of,
    path_parameter,
    ref,
    search_query,
)
from talaka.core.trainings import MAX_SUITE_TASKS, MAX_SUITES_TO_PASS

OPERATION_TYPES = ["TRAINING.OPEN", "TRAINING.CLOSE", "TRAINING.ARCHIVE", "TRAINING.CLONE"]


def trainings_schemas() -> dict[str, Schema]:
    writable: dict[str, Schema] = {
        "project_id": NUMERIC_ID, "private_name": STRING, "may_contain_adult_content": FLAG,
        "assignment_max_duration_seconds": nullable({"type": "integer", "minimum": 1}),
        "mix_tasks_in_creation_order": FLAG, "shuffle_tasks_in_task_suite": FLAG,
        "training_tasks_in_task_suite_count": {"type": "integer", "minimum": 1, "maximum": MAX_SUITE_TASKS,
                                               "description": "Tasks in each training suite"},
        "task_suites_required_to_pass": {"type": "integer", "minimum": 1, "maximum": MAX_SUITES_TO_PASS,
                                         "description": "Suites a performer completes to get the skill"},
        "retry_training_after_days": nullable(COUNT), "inherited_instructions": FLAG, "public_instructions": TEXT,
        "metadata": nullable({"type": "object", "additionalProperties": STRINGS})}
    required = ("project_id", "private_name", "training_tasks_in_task_suite_count", "task_suites_required_to_pass")
    server: dict[str, Schema] = {
        "id": NUMERIC_ID, "status": {"type": "string", "enum": ["OPEN", "CLOSED", "ARCHIVED"]},
        "type": {"const": "TRAINING"}, "owner": obj({"id": NUMERIC_ID, "myself": {"type": "boolean"}}),
        "created": TIMESTAMP, "last_started": TIMESTAMP, "last_stopped": TIMESTAMP, "last_close_reason": STRING}
    training_id = {"training_id": NUMERIC_ID}
    return {
        "TrainingInput": obj(writable, required, description=(
            "project_id must name one of your ACTIVE projects; read-only fields (id, status, created, owner, "
            "type, last_*) are ignored; unknown fields are stored and echoed")),
        "Training": obj(writable | server, ("id", *required, "status", "type", "owner", "created"), description=(
            "Also a pool: GET /v1/pools/{id} answers it (type TRAINING), and its tasks are created with "
            "pool_id = its id, always with infinite overlap")),
        "TrainingPage": page_of("Training"),
        "TrainingOperation": obj({
            "id": {"type": "string", "format": "uuid"}, "type": {"type": "string", "enum": OPERATION_TYPES},
            "status": {"const": "SUCCESS"}, "submitted": TIMESTAMP, "started": TIMESTAMP, "finished": TIMESTAMP,
            "progress": {"const": 100}, "parameters": obj(training_id, ("training_id",), extra=False),
            "details": obj(training_id, extra=False, description="TRAINING.CLONE: the new training; else {}"),
        }, ("id", "type", "status", "submitted", "progress", "parameters", "details"), extra=False,
            description="Done at once: already finished when it is answered"),
    }


def _action(op_id: str, summary: str, *, idempotent: bool = True) -> Schema:
    success = {202: json_response("Done at once, recorded as a finished operation", ref("TrainingOperation"))}
    if idempotent:
        success[204] = {"description": "Already in that status: nothing done", "headers": headers()}
    return {"parameters": [path_parameter("training_id", "A training")], "post": op(op_id, summary, success,
                                                                                      (404, 409))}


def trainings_paths() -> dict[str, Schema]:
    training = ref("Training")
    item = [path_parameter("training_id", "A training")]
    return {
        f"{V1}/trainings": {
            "post": op("create_training", "Create a training (status CLOSED) and the skill of its results",
                       {201: json_response("Created", training)}, (409,), body=ref("TrainingInput")),
            "get": op("find_trainings", "Find trainings", {200: json_response("A page", ref("TrainingPage"))},
                      params=search_query(routes.TRAININGS))},
        f"{V1}/trainings/{{training_id}}": {
            "parameters": item,
            "get": op("get_training", "Get a training", {200: json_response("Found", training)}, (404,)),
            "put": op("update_training", "Replace a training's writable fields (same project)",
                      {200: json_response("Updated", training)}, (404,), body=ref("TrainingInput"))},
        f"{V1}/trainings/{{training_id}}/open": _action(
            "open_training", "Open a training (409 EMPTY_POOL without tasks)"),
        f"{V1}/trainings/{{training_id}}/close": _action("close_training", "Close a training"),
        f"{V1}/trainings/{{training_id}}/archive": _action("archive_training", "Archive a closed training"),
        f"{V1}/trainings/{{training_id}}/clone": _action(
            "clone_training", "A new closed training with these settings and no tasks (details.training_id); "
            "409 when the project is archived", idempotent=False),
    }
