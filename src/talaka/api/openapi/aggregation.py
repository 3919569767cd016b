"""Aggregated solutions: the request bodies, the AggregatedSolution object and the three routes.

The routes are served by `talaka.api.aggregated_solutions`; the search parameters of the results
come from its table, the method names and limits from `talaka.core.aggregation.request`.
"""

from __future__ import annotations

from talaka.api.openapi.schema import (
    NUMERIC_ID,
    STRING,
    V1,
    Schema,
    json_response,
    obj,
    op,
    page_of,
    path_parameter,
    ref,
    search_query,
)
from talaka.api.search_params import AGGREGATED_SOLUTIONS
from talaka.core.aggregation.request import BY_TASK_METHODS, MAX_FIELDS, METHODS

FIELDS: Schema = {"type": "array", "minItems": 1, "maxItems": MAX_FIELDS,
                  "items": obj({"name": STRING}, ("name",)),
                  "description": "Output fields to aggregate (Dawid-Skene: exactly one); several fields are "
                                 "aggregated as one combined answer"}


def aggregation_schemas() -> dict[str, Schema]:
    common = {"pool_id": NUMERIC_ID, "answer_weight_skill_id": NUMERIC_ID, "fields": FIELDS}
    return {
        "PoolAggregationRequest": obj(common | {"type": {"type": "string", "enum": list(METHODS)}},
                                      ("type", "pool_id", "fields"), description=(
            "answer_weight_skill_id is required for WEIGHTED_DYNAMIC_OVERLAP (a performer without a value "
            "weighs 0) and ignored otherwise")),
        "TaskAggregationRequest": obj(common | {"type": {"type": "string", "enum": list(BY_TASK_METHODS)},
                                                "task_id": STRING}, ("type", "pool_id", "task_id", "fields")),
        "AggregatedSolution": obj({
            "pool_id": NUMERIC_ID, "task_id": STRING,
            "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                           "description": "The probability (or vote share) of the answer given"},
            "output_values": {"type": "object"}}, ("pool_id", "task_id", "confidence", "output_values"),
            extra=False),
        "AggregatedSolutionPage": page_of("AggregatedSolution"),
    }


def aggregation_paths() -> dict[str, Schema]:
    base = f"{V1}/aggregated-solutions"
    return {
        f"{base}/aggregate-by-pool": {"post": op(
            "aggregate_solutions_by_pool", "Aggregate a pool's answers (SUBMITTED and ACCEPTED assignments) as a "
            "SOLUTION.AGGREGATE operation; one solution per general task",
            {202: json_response("The operation, PENDING; wait for it, then read its results", ref("Operation"))},
            (404,), body=ref("PoolAggregationRequest"))},
        f"{base}/aggregate-by-task": {"post": op(
            "aggregate_solutions_by_task", "Aggregate one task's answers at once (409 CONFLICT_STATE before any answer)",
            {201: json_response("The task's aggregated solution", ref("AggregatedSolution"))}, (404, 409),
            body=ref("TaskAggregationRequest"))},
        f"{base}/{{operation_id}}": {
            "parameters": [path_parameter("operation_id", "A SOLUTION.AGGREGATE operation")],
            "get": op("find_aggregated_solutions", "A page of an aggregation's results, by task id (409 until the "
                      "operation is SUCCESS)", {200: json_response("A page", ref("AggregatedSolutionPage"))},
                      (404, 409), params=search_query(AGGREGATED_SOLUTIONS))},
    }
