"""Records of the work loop that cross the store interface."""

from __future__ import annotations

from dataclasses import dataclass, field

from talaka.core.assignments import AssignedTask, AssignmentRecord
from talaka.core.errors import FieldErrors
from talaka.core.performers import Profile


@dataclass(frozen=True, slots=True)
class PerformerRecord:
    no: int
    id: str
    profile: Profile
    created: str


@dataclass(frozen=True, slots=True)
class PoolSource:
    """The rows a `PoolPlan` is compiled from."""

    pool_id: int
    status: str
    revision: int
    project_id: int
    requester_id: int
    pool_body: bytes
    project_body: bytes
    requester_name: str


@dataclass(slots=True)
class WorkOutcome:
    """What a take, submit or skip did: the assignment as it is now, or why nothing was done.

    A refusal is returned rather than raised because the same transaction may have written
    something that must stay (an overdue assignment it found and expired).
    """

    record: AssignmentRecord | None = None
    tasks: list[AssignedTask] = field(default_factory=list)
    created: bool = False
    refusal: str | None = None
    errors: FieldErrors | None = None
    """A submit's answers that do not fit the assignment or the output spec, by field path."""
    training_pool_id: int | None = None
    """The training a `TRAINING_REQUIRED` refusal names."""
    feedback: bytes | None = None
    """A training submit's verdict on each task (JSON list), right or with its hint."""
    expired: bool = False
    """This transaction expired an overdue assignment of the performer: the take that found it,
    or a submit or skip that came too late (the sweeper counts the others)."""


class StalePlan(Exception):
    """The pool changed since its plan was compiled; compile it again and retry."""


REFUSED_NOT_OPEN = "NOT_OPEN"
REFUSED_NO_TASKS = "NO_TASKS_AVAILABLE"
REFUSED_BUSY = "BUSY"
"""Other takes hold the rows this one needs; try again in a moment."""
REFUSED_NOT_FOUND = "NOT_FOUND"
REFUSED_STATUS = "INAPPROPRIATE_STATUS"
REFUSED_FILTER = "FILTER"
REFUSED_RESTRICTED = "RESTRICTED"
REFUSED_TRAINING = "TRAINING_REQUIRED"
ACCESS_REFUSALS = frozenset({REFUSED_FILTER, REFUSED_RESTRICTED, REFUSED_TRAINING})
"""Refusals of a pool the performer can see but may not work in (403 with this as the reason)."""
