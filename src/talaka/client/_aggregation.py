"""Aggregated solutions: their wire models and flows, without I/O, and the DataFrame they make.

`aggregate_solutions_by_pool` starts a `SOLUTION.AGGREGATE` operation (wait for it, then page its
results by task id); `aggregate_solutions_by_task` answers one task at once. Methods, as the server
names them: `DAWID_SKENE`, `WEIGHTED_DYNAMIC_OVERLAP` (answers weighed by a skill) and
`MAJORITY_VOTE`. Fields are output field names (or toloka-kit's `{"name": ...}` objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict

from talaka.client._assignments import pandas_module
from talaka.client._core import (
    Call,
    Flow,
    Pages,
    Settings,
    decode,
    encode,
    get_json,
    path_id,
    query,
    send,
)
from talaka.client._models import Operation, _Model

if TYPE_CHECKING:
    from pandas import DataFrame  # type: ignore[import-untyped]

Method = Literal["DAWID_SKENE", "WEIGHTED_DYNAMIC_OVERLAP", "MAJORITY_VOTE"]
FieldLike = str | Mapping[str, Any]
BASE: Final = "/v1/aggregated-solutions"


class AggregatedSolution(_Model):
    """One task's aggregated answer and the probability (or share of the votes) that it is right."""

    pool_id: str | None = None
    task_id: str | None = None
    confidence: float | None = None
    output_values: dict[str, Any] | None = None

    @property
    def id(self) -> str | None:
        """The task id: what results are paged by."""
        return self.task_id


class AggregatedSolutionSearchResult(_Model):
    items: list[AggregatedSolution] = []
    has_more: bool = False


class AggregatedSolutionFilters(TypedDict, total=False):
    task_id_gt: str
    task_id_gte: str
    task_id_lt: str
    task_id_lte: str


def field_names(fields: Sequence[FieldLike]) -> list[str]:
    return [field if isinstance(field, str) else str(field["name"]) for field in fields]


def request_body(method: Method | str, pool_id: str, fields: Sequence[FieldLike], answer_weight_skill_id: str | None,
                 task_id: str | None = None) -> bytes:
    body: dict[str, Any] = {"type": str(method), "pool_id": str(pool_id),
                            "fields": [{"name": name} for name in field_names(fields)]}
    if answer_weight_skill_id is not None:
        body["answer_weight_skill_id"] = str(answer_weight_skill_id)
    if task_id is not None:
        body["task_id"] = task_id
    return encode(body)


def aggregate_by_pool(body: bytes, settings: Settings) -> Flow[Operation]:
    """Start aggregating (a new operation each time: repeating it only repeats the work)."""
    reply = yield from send(Call("POST", f"{BASE}/aggregate-by-pool", body=body), settings)
    return decode(reply, Operation)


def aggregate_by_task(body: bytes, settings: Settings) -> Flow[AggregatedSolution]:
    reply = yield from send(Call("POST", f"{BASE}/aggregate-by-task", body=body), settings)
    return decode(reply, AggregatedSolution)


def find_solutions(operation_id: str, filters: Mapping[str, Any], sort: str | None, limit: int | None,
                   settings: Settings) -> Flow[AggregatedSolutionSearchResult]:
    params = query({**filters, "sort": sort, "limit": limit})
    return (yield from get_json(f"{BASE}/{path_id(operation_id)}", AggregatedSolutionSearchResult, settings,
                                params))


class SolutionPages(Pages[AggregatedSolution]):
    """Every result of an aggregation in task id order: `sort=task_id`, then `task_id_gt` of the last one
    (a solution's `id` is its task id)."""

    after = "task_id_gt"

    def __init__(self, operation_id: str, batch_size: int | None) -> None:
        super().__init__(lambda filters, settings: find_solutions(operation_id, filters, "task_id", batch_size,
                                                                  settings), {})


def solutions_df(solutions: Iterable[AggregatedSolution]) -> DataFrame:
    """One row per task: `task_id`, `OUTPUT:<field>` for each field aggregated and `CONFIDENCE:<field>`
    (the answer's confidence, the same for every field of it), as Toloka's export of results names them.
    Needs pandas (`ImportError` otherwise)."""
    pandas = pandas_module()
    rows: list[dict[str, Any]] = []
    for solution in solutions:
        row: dict[str, Any] = {"task_id": solution.task_id}
        for name, value in (solution.output_values or {}).items():
            row[f"OUTPUT:{name}"] = value
            row[f"CONFIDENCE:{name}"] = solution.confidence
        rows.append(row)
    frame: DataFrame = pandas.DataFrame(rows, columns=_columns(rows))
    return frame


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    names = list(dict.fromkeys(name for row in rows for name in row if name.startswith("OUTPUT:")))
    return ["task_id", *names, *(name.replace("OUTPUT:", "CONFIDENCE:", 1) for name in names)]
