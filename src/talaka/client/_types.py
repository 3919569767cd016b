"""Named input types of the SDK's public methods."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict

import httpx

from talaka.client._models import BaselineSolution, KnownSolution, Operation, Pool, Project, Task

TaskLike = Task | Mapping[str, Any]
"""A `Task`, or a dict in the Toloka JSON shape of a task."""

KnownSolutionLike = KnownSolution | Mapping[str, Any]
BaselineSolutionLike = BaselineSolution | Mapping[str, Any]
ProjectLike = Project | Mapping[str, Any]
PoolLike = Pool | Mapping[str, Any]
OperationLike = Operation | str
"""An operation, or its id."""

TimeoutTypes = float | httpx.Timeout | None
"""Seconds for every phase of a request, or an `httpx.Timeout`; None waits forever."""

Moment = datetime | str
"""A naive (read as UTC) or aware `datetime`, or an ISO-8601 string."""


class TaskFilters(TypedDict, total=False):
    """Filters of `find_tasks` and `get_tasks`; range filters compare as the server orders."""

    pool_id: str
    overlap: int
    id_gt: str
    id_gte: str
    id_lt: str
    id_lte: str
    created_gt: Moment
    created_gte: Moment
    created_lt: Moment
    created_lte: Moment
    overlap_gt: int
    overlap_gte: int
    overlap_lt: int
    overlap_lte: int
