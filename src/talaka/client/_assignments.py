"""Assignments as their requester sees them: search, paging, review, and the TSV export as a DataFrame.

Flows of the core (see `_core`), without I/O. Reviewing is safe to repeat: a change sent again
after a lost answer meets `INAPPROPRIATE_STATUS` (the assignment already has that status), and the
flow then returns the assignment if it is exactly as asked instead of failing.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from talaka.client._core import Call, Flow, Pages, Settings, decode, encode, get_json, path_id, query, send
from talaka.client._exceptions import InappropriateStatus
from talaka.client._models import Assignment, AssignmentSearchResult
from talaka.client._types import Moment, Statuses

if TYPE_CHECKING:
    from pandas import DataFrame  # type: ignore[import-untyped]

TSV_STATUS_DEFAULT: Final = "APPROVED"
TSV_FIELDS_DEFAULT: Final = ("ASSIGNMENT:link", "ASSIGNMENT:assignment_id", "ASSIGNMENT:worker_id",
                             "ASSIGNMENT:status", "ASSIGNMENT:started")
"""toloka-kit's defaults for `get_assignments_df`."""
TSV_ID_COLUMNS: Final = ("ASSIGNMENT:link", "ASSIGNMENT:assignment_id", "ASSIGNMENT:task_id",
                         "ASSIGNMENT:task_suite_id", "ASSIGNMENT:worker_id")
"""Read as text, so that an id of digits keeps its leading zeros instead of becoming a number."""


def status_list(statuses: Statuses) -> list[str]:
    """`"A, B"`, `"A"` or `["A", "B"]` -> `["A", "B"]`: the server takes them comma-joined, without spaces."""
    parts = statuses.split(",") if isinstance(statuses, str) else statuses
    return [part.strip() for part in parts if part.strip()]


def search_params(filters: Mapping[str, Any], sort: str | list[str] | None,
                  limit: int | None) -> dict[str, str]:
    status = filters.get("status")
    return query({**filters, "status": None if status is None else status_list(status), "sort": sort,
                  "limit": limit})


def get_assignment(assignment_id: str, settings: Settings) -> Flow[Assignment]:
    return (yield from get_json(f"/v1/assignments/{path_id(assignment_id)}", Assignment, settings))


def find_assignments(filters: Mapping[str, Any], sort: str | list[str] | None, limit: int | None,
                     settings: Settings) -> Flow[AssignmentSearchResult]:
    params = search_params(filters, sort, limit)
    return (yield from get_json("/v1/assignments", AssignmentSearchResult, settings, params))


def pages(filters: Mapping[str, Any], batch_size: int | None) -> Pages[Assignment]:
    """Paging of `get_assignments`; with no `batch_size`, no `limit` is sent (the server's default, 50)."""
    return Pages(lambda page_filters, settings: find_assignments(page_filters, "id", batch_size, settings),
                 filters)


def assignment_patch(public_comment: str | None, status: str | None) -> dict[str, str]:
    """The body of `patch_assignment`: only the fields given, in toloka-kit's order."""
    changes = {"public_comment": public_comment, "status": status}
    return {name: value for name, value in changes.items() if value is not None}


def patch_assignment(assignment_id: str, changes: Mapping[str, str], settings: Settings) -> Flow[Assignment]:
    """Change an assignment's status and comment; an assignment already exactly so is returned as it is."""
    path = f"/v1/assignments/{path_id(assignment_id)}"
    try:
        reply = yield from send(Call("PATCH", path, body=encode(changes)), settings)
    except InappropriateStatus:
        current = yield from get_assignment(assignment_id, settings)
        if "status" not in changes or any(getattr(current, name) != value for name, value in changes.items()):
            raise
        return current
    return decode(reply, Assignment)


# The TSV export (`get_assignments_df`).


def tsv_statuses(statuses: Statuses) -> list[str]:
    """The TSV export's status words: `APPROVED` is its name for ACCEPTED, and either is taken."""
    return ["APPROVED" if status == "ACCEPTED" else status for status in status_list(statuses)]


def tsv_fields(fields: Sequence[str] | None) -> list[str]:
    """The `ASSIGNMENT:*` columns asked for; a bare name (`worker_id`) gets its `ASSIGNMENT:` prefix."""
    if fields is None:
        return list(TSV_FIELDS_DEFAULT)
    return [name if ":" in name else f"ASSIGNMENT:{name}" for name in fields]


def tsv_params(status: Statuses, start_time_from: Moment | None, start_time_to: Moment | None,
               exclude_banned: bool | None, fields: Sequence[str] | None) -> dict[str, str]:
    return query({"status": tsv_statuses(status), "startTimeFrom": start_time_from,
                  "startTimeTo": start_time_to, "excludeBanned": exclude_banned, "field": tsv_fields(fields),
                  "addRowDelimiter": False})


def pandas_module() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError as missing:
        raise ImportError("The DataFrame helpers (get_assignments_df, get_aggregated_solutions_df) need pandas: "
                          "pip install pandas") from missing


def assignments_df(pool_id: str, params: Mapping[str, str], settings: Settings) -> Flow[DataFrame]:
    """The pool's assignments, one row per task of each, read from the TSV export as pandas reads it.

    Raises `ImportError` before sending anything when pandas is not installed.
    """
    pandas = pandas_module()
    path = f"/new/requester/pools/{path_id(pool_id)}/assignments.tsv"
    reply = yield from send(Call("GET", path, params), settings)
    text = reply.content.decode("utf-8")
    return pandas.read_csv(io.StringIO(text), delimiter="\t", dtype=dict.fromkeys(TSV_ID_COLUMNS, str))
