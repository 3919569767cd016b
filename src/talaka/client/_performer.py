"""The performer API (`/api/performer/v1`): flows of the core (see `_core`), without I/O.

A program is a performer by taking task suites and submitting answers. Every call may be sent
again after a lost answer:
- taking is idempotent on the server: the same performer and pool get their ACTIVE assignment;
- the same submit body of an assignment already submitted is answered 200 with it as it is;
- a skip sent again meets `INAPPROPRIATE_STATUS` (it is SKIPPED already), and the flow then
  returns the skipped assignment instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import msgspec

from talaka.client._assignments import status_list
from talaka.client._core import Call, Flow, Pages, Settings, decode, encode, get_json, path_id, query, send
from talaka.client._exceptions import InappropriateStatus
from talaka.client._models import (
    PerformerAssignment,
    PerformerAssignmentSearchResult,
    PerformerProfile,
    PoolOffer,
    Solution,
)
from talaka.client._types import SolutionLike, Statuses

PERFORMER_API: Final = "/performer/v1"


class _Offers(msgspec.Struct):
    items: list[PoolOffer] = []


def assignment_path(assignment_id: str, action: str = "") -> str:
    return f"{PERFORMER_API}/assignments/{path_id(assignment_id)}{action}"


def me(settings: Settings) -> Flow[PerformerProfile]:
    return (yield from get_json(f"{PERFORMER_API}/me", PerformerProfile, settings))


def pools(settings: Settings) -> Flow[list[PoolOffer]]:
    offers = yield from get_json(f"{PERFORMER_API}/pools", _Offers, settings)
    return offers.items


def take(pool_id: str, settings: Settings) -> Flow[PerformerAssignment]:
    """A new task suite from the pool, or this performer's ACTIVE one there (so it is safe to repeat)."""
    body = encode({"pool_id": str(pool_id)})
    reply = yield from send(Call("POST", f"{PERFORMER_API}/assignments", body=body), settings)
    return decode(reply, PerformerAssignment)


def get_assignment(assignment_id: str, settings: Settings) -> Flow[PerformerAssignment]:
    return (yield from get_json(assignment_path(assignment_id), PerformerAssignment, settings))


def assignment_filters(status: Statuses | None, pool_id: str | None) -> dict[str, Any]:
    return {"status": None if status is None else status_list(status), "pool_id": pool_id}


def find_assignments(filters: Mapping[str, Any], sort: str | None, limit: int | None,
                     settings: Settings) -> Flow[PerformerAssignmentSearchResult]:
    params = query({**filters, "sort": sort, "limit": limit})
    path = f"{PERFORMER_API}/assignments"
    return (yield from get_json(path, PerformerAssignmentSearchResult, settings, params))


def pages(filters: Mapping[str, Any], batch_size: int | None) -> Pages[PerformerAssignment]:
    return Pages(lambda page_filters, settings: find_assignments(page_filters, "id", batch_size, settings),
                 filters)


def wire_solution(solution: SolutionLike) -> Solution:
    """`{"output_values": {...}}` (a mapping with that one key) as it is; any other mapping is the
    output values themselves."""
    if isinstance(solution, Solution):
        return solution
    values = solution.get("output_values") if len(solution) == 1 else None
    return Solution(output_values=dict(values if isinstance(values, Mapping) else solution))


def submit(assignment_id: str, solutions: Sequence[SolutionLike],
           settings: Settings) -> Flow[PerformerAssignment]:
    """Answer the assignment's tasks, in their order; the same body sent again is answered 200."""
    body = encode({"solutions": [wire_solution(solution) for solution in solutions]})
    reply = yield from send(Call("POST", assignment_path(assignment_id, "/submit"), body=body), settings)
    return decode(reply, PerformerAssignment)


def skip(assignment_id: str, settings: Settings) -> Flow[PerformerAssignment]:
    """Give the assignment back; one that is SKIPPED already is returned as it is."""
    try:
        reply = yield from send(Call("POST", assignment_path(assignment_id, "/skip")), settings)
    except InappropriateStatus:
        current = yield from get_assignment(assignment_id, settings)
        if current.status != "SKIPPED":
            raise
        return current
    return decode(reply, PerformerAssignment)
