"""Wire models: msgspec Structs in the Toloka API v1 JSON shape, with toloka-kit's names, and those
of Talaka's performer API (`PerformerAssignment`, `PoolOffer`, ...).

Each model decodes and validates in one pass. Fields the server sends that a model does not know
are ignored, so a newer server never breaks an older SDK. Unset fields (None) are not sent.
Timestamps are naive UTC `datetime`s, as the wire carries them (an aware `will_expire` is
converted). Nested configurations whose shape
the SDK does not need (a pool's filter, quality control, a project's task spec, ...) stay plain
dicts in the Toloka JSON shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import msgspec


def naive_utc(moment: datetime | None) -> datetime | None:
    """The wire's form of a moment: UTC without a timezone (naive ones are taken to be UTC already)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


class _Model(msgspec.Struct, kw_only=True, omit_defaults=True, repr_omit_defaults=True):
    """Keyword-only fields; defaults are neither sent nor shown."""


class KnownSolution(_Model):
    """A correct answer of a control (golden) task."""

    output_values: dict[str, Any]
    correctness_weight: float | None = None


class BaselineSolution(_Model):
    """A preliminary answer shown to the performer."""

    output_values: dict[str, Any]
    confidence_weight: float | None = None


_KnownSolutions = list[KnownSolution]
_BaselineSolutions = list[BaselineSolution]


class Task(_Model):
    """One task. `Task.KnownSolution` is `KnownSolution`, as `BaseTask.KnownSolution` in toloka-kit."""

    KnownSolution: ClassVar[type[KnownSolution]] = KnownSolution
    BaselineSolution: ClassVar[type[BaselineSolution]] = BaselineSolution

    id: str | None = None
    pool_id: str | None = None
    input_values: dict[str, Any] = {}
    known_solutions: _KnownSolutions | None = None
    message_on_unknown_solution: str | None = None
    baseline_solutions: _BaselineSolutions | None = None
    overlap: int | None = None
    infinite_overlap: bool | None = None
    reserved_for: list[str] | None = None
    unavailable_for: list[str] | None = None
    traits_all_of: list[str] | None = None
    traits_any_of: list[str] | None = None
    traits_none_of_any: list[str] | None = None
    origin_task_id: str | None = None
    remaining_overlap: int | None = None
    created: datetime | None = None


class TaskSuite(_Model):
    """Several tasks issued together to one performer."""

    id: str | None = None
    pool_id: str | None = None
    tasks: list[Task] = []
    overlap: int | None = None
    infinite_overlap: bool | None = None
    reserved_for: list[str] | None = None
    unavailable_for: list[str] | None = None
    issuing_order_override: float | None = None
    mixed: bool | None = None
    traits_all_of: list[str] | None = None
    traits_any_of: list[str] | None = None
    traits_none_of_any: list[str] | None = None
    longitude: float | None = None
    latitude: float | None = None
    remaining_overlap: int | None = None
    automerged: bool | None = None
    created: datetime | None = None


class Project(_Model):
    """A project: what tasks look like (`task_spec`) and what performers are told."""

    id: str | None = None
    public_name: str | None = None
    public_description: str | None = None
    public_instructions: str | None = None
    private_comment: str | None = None
    task_spec: dict[str, Any] | None = None
    assignments_issuing_type: str | None = None
    assignments_issuing_view_config: dict[str, Any] | None = None
    assignments_automerge_enabled: bool | None = None
    max_active_assignments_count: int | None = None
    quality_control: dict[str, Any] | None = None
    metadata: dict[str, list[str]] | None = None
    localization_config: dict[str, Any] | None = None
    status: str | None = None
    created: datetime | None = None


class Pool(_Model):
    """A pool of tasks in a project, with its price, overlap defaults and status."""

    id: str | None = None
    project_id: str | None = None
    private_name: str | None = None
    may_contain_adult_content: bool | None = None
    reward_per_assignment: float | None = None
    assignment_max_duration_seconds: int | None = None
    defaults: dict[str, Any] | None = None
    will_expire: datetime | None = None
    private_comment: str | None = None
    public_description: str | None = None
    public_instructions: str | None = None
    auto_close_after_complete_delay_seconds: int | None = None
    dynamic_pricing_config: dict[str, Any] | None = None
    auto_accept_solutions: bool | None = None
    auto_accept_period_day: int | None = None
    assignments_issuing_config: dict[str, Any] | None = None
    priority: int | None = None
    filter: dict[str, Any] | None = None
    quality_control: dict[str, Any] | None = None
    speed_quality_balance: dict[str, Any] | None = None
    dynamic_overlap_config: dict[str, Any] | None = None
    mixer_config: dict[str, Any] | None = None
    training_config: dict[str, Any] | None = None
    metadata: dict[str, list[str]] | None = None
    owner: dict[str, Any] | None = None
    type: str | None = None
    status: str | None = None
    last_close_reason: str | None = None
    created: datetime | None = None
    last_started: datetime | None = None
    last_stopped: datetime | None = None

    def __post_init__(self) -> None:
        self.will_expire = naive_utc(self.will_expire)


class Operation(_Model):
    """A server-side operation: a batch create, a pool status change, ..."""

    id: str
    type: str
    status: str
    submitted: datetime | None = None
    started: datetime | None = None
    finished: datetime | None = None
    progress: int | None = None
    parameters: dict[str, Any] = {}
    details: dict[str, Any] = {}

    def is_completed(self) -> bool:
        """True once the operation ended, with SUCCESS or FAIL."""
        return self.status in ("SUCCESS", "FAIL")

    def raise_on_fail(self) -> None:
        """Raise `FailedOperation` if the operation ended with FAIL."""
        if self.status == "FAIL":
            from talaka.client._exceptions import FailedOperation

            raise FailedOperation(self)


class OperationLogItem(_Model):
    """One line of an operation's log, e.g. a created task (`input` is the task, `output` its id)."""

    type: str
    success: bool
    input: dict[str, Any] = {}
    output: dict[str, Any] = {}


class FieldValidationError(_Model):
    """One problem with one field: a stable code, a message, and the bounds or values involved."""

    code: str
    message: str = ""
    params: list[Any] | None = None


class TaskBatchCreateResult(_Model):
    """What `create_tasks` made: tasks and problems keyed by the caller's input index, as strings."""

    items: dict[str, Task] = {}
    validation_errors: dict[str, dict[str, FieldValidationError]] = {}


class TaskSearchResult(_Model):
    """One page of `find_tasks`: the tasks, and whether more match past the last one."""

    items: list[Task] = []
    has_more: bool = False


class Requester(_Model):
    """Who the token belongs to."""

    id: str
    balance: float | None = None
    public_name: dict[str, str] | None = None
    company: dict[str, Any] | None = None


class Solution(_Model):
    """A performer's answer to one task."""

    output_values: dict[str, Any]


class Assignment(_Model):
    """A task suite issued to one performer, as its requester sees it (golden tasks keep
    `known_solutions`). `solutions[i]` answers `tasks[i]`. The status names are class attributes,
    as in toloka-kit: `Assignment.SUBMITTED`.
    """

    ACTIVE: ClassVar[str] = "ACTIVE"
    SUBMITTED: ClassVar[str] = "SUBMITTED"
    ACCEPTED: ClassVar[str] = "ACCEPTED"
    REJECTED: ClassVar[str] = "REJECTED"
    SKIPPED: ClassVar[str] = "SKIPPED"
    EXPIRED: ClassVar[str] = "EXPIRED"

    id: str | None = None
    task_suite_id: str | None = None
    pool_id: str | None = None
    user_id: str | None = None
    status: str | None = None
    reward: float | None = None
    bonus_ids: list[str] | None = None
    tasks: list[Task] = []
    solutions: list[Solution] | None = None
    first_declined_solution_attempt: list[Solution] | None = None
    mixed: bool | None = None
    automerged: bool | None = None
    created: datetime | None = None
    submitted: datetime | None = None
    accepted: datetime | None = None
    rejected: datetime | None = None
    skipped: datetime | None = None
    expired: datetime | None = None
    public_comment: str | None = None
    owner: dict[str, Any] | None = None


class AssignmentSearchResult(_Model):
    """One page of `find_assignments`: the assignments, and whether more match past the last one."""

    items: list[Assignment] = []
    has_more: bool = False


# The performer API (Talaka's own, under /api/performer/v1).


class PerformerProfile(_Model):
    """Who a performer token belongs to, as pool filters see them."""

    id: str
    name: str | None = None
    languages: list[str] = []
    country: str | None = None
    adult_allowed: bool = False


class PoolOffer(_Model):
    """An open pool this performer may take a task suite from now."""

    pool_id: str
    project_id: str | None = None
    title: str | None = None
    description: str | None = None
    instructions: str | None = None
    reward_per_assignment: float | None = None
    assignment_max_duration_seconds: int | None = None
    training: bool = False
    requester: dict[str, Any] | None = None


class PerformerTask(_Model):
    """A task as its performer sees it: never its known solutions or hint."""

    id: str
    input_values: dict[str, Any] = {}


class Feedback(_Model):
    """The verdict on one training task of a submit; `hint` is there when the answer was wrong."""

    task_index: int
    correct: bool
    hint: str | None = None


class PerformerAssignment(_Model):
    """A task suite issued to this performer; answer `tasks` in order with `Performer.submit`.

    A training suite whose answers were wrong stays ACTIVE after a submit, with `feedback`.
    """

    id: str
    pool_id: str | None = None
    project_id: str | None = None
    status: str | None = None
    created: datetime | None = None
    expires: datetime | None = None
    submitted: datetime | None = None
    accepted: datetime | None = None
    rejected: datetime | None = None
    reward: float | None = None
    public_comment: str | None = None
    tasks: list[PerformerTask] = []
    solutions: list[Solution] | None = None
    task_spec: dict[str, Any] | None = None
    instructions: str | None = None
    feedback: list[Feedback] | None = None


class PerformerAssignmentSearchResult(_Model):
    """One page of `Performer.assignments`."""

    items: list[PerformerAssignment] = []
    has_more: bool = False
