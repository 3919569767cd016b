"""Named input types of the SDK's public methods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict

import httpx

from talaka.client._models import BaselineSolution, KnownSolution, Operation, Pool, Project, Solution, Task

TaskLike = Task | Mapping[str, Any]
"""A `Task`, or a dict in the Toloka JSON shape of a task."""

KnownSolutionLike = KnownSolution | Mapping[str, Any]
BaselineSolutionLike = BaselineSolution | Mapping[str, Any]
ProjectLike = Project | Mapping[str, Any]
PoolLike = Pool | Mapping[str, Any]
OperationLike = Operation | str
"""An operation, or its id."""

SolutionLike = Solution | Mapping[str, Any]
"""An answer to one task: a `Solution`, `{"output_values": {...}}`, or the output values themselves."""

AnalyticsRequest = Mapping[str, Any]
"""One statistic to compute: `{"subject": "POOL", "subject_id": "12", "name": "completion_percentage"}`."""

Statuses = str | Sequence[str]
"""One status, several as a list, or several in one string with commas: `"SUBMITTED,ACCEPTED"`."""

TimeoutTypes = float | httpx.Timeout | None
"""Seconds for every phase of a request, or an `httpx.Timeout`; None waits forever."""

Moment = datetime | str
"""A naive (read as UTC) or aware `datetime`, or an ISO-8601 string."""


class RangeFilters(TypedDict, total=False):
    """The id and creation-time ranges every search takes."""

    id_gt: str
    id_gte: str
    id_lt: str
    id_lte: str
    created_gt: Moment
    created_gte: Moment
    created_lt: Moment
    created_lte: Moment


class TaskFilters(RangeFilters, total=False):
    """Filters of `find_tasks` and `get_tasks`; range filters compare as the server orders."""

    pool_id: str
    overlap: int
    overlap_gt: int
    overlap_gte: int
    overlap_lt: int
    overlap_lte: int


class AssignmentFilters(TypedDict, total=False):
    """Filters of `find_assignments` and `get_assignments`; every condition given must hold.

    A time bound excludes assignments whose time is not set (`submitted_gte` leaves out the ACTIVE
    ones).
    """

    status: Statuses
    pool_id: str
    task_id: str
    task_suite_id: str
    user_id: str
    id_gt: str
    id_gte: str
    id_lt: str
    id_lte: str
    created_gt: Moment
    created_gte: Moment
    created_lt: Moment
    created_lte: Moment
    submitted_gt: Moment
    submitted_gte: Moment
    submitted_lt: Moment
    submitted_lte: Moment
    accepted_gt: Moment
    accepted_gte: Moment
    accepted_lt: Moment
    accepted_lte: Moment
    rejected_gt: Moment
    rejected_gte: Moment
    rejected_lt: Moment
    rejected_lte: Moment
    skipped_gt: Moment
    skipped_gte: Moment
    skipped_lt: Moment
    skipped_lte: Moment
    expired_gt: Moment
    expired_gte: Moment
    expired_lt: Moment
    expired_lte: Moment
