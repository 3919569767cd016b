"""Talaka: self-hosted task pools that speak the Toloka API v1, and their Python SDK.

    import talaka

    with talaka.Client("http://127.0.0.1:8000", token) as client:
        tasks = [talaka.Task(input_values={"image": url}, pool_id=pool_id) for url in urls]
        result = client.create_tasks(tasks, allow_defaults=True)

The SDK is loaded on first use of one of its names, so `import talaka` (and the server, which
lives in this package too) stays cheap; the server's modules are never loaded by the SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AccessDeniedApiError",
    "AggregatedSolution",
    "AggregatedSolutionSearchResult",
    "ApiError",
    "Assignment",
    "AssignmentSearchResult",
    "AsyncClient",
    "AsyncPerformer",
    "AuthenticationApiError",
    "BaselineSolution",
    "Client",
    "ConflictStateApiError",
    "DoesNotExistApiError",
    "FailedOperation",
    "Feedback",
    "FieldValidationError",
    "InappropriateStatus",
    "IncorrectActionsApiError",
    "InternalApiError",
    "KnownSolution",
    "NoTasksAvailable",
    "Operation",
    "OperationLogItem",
    "Performer",
    "PerformerAssignment",
    "PerformerAssignmentSearchResult",
    "PerformerProfile",
    "PerformerTask",
    "Pool",
    "PoolOffer",
    "Project",
    "RemoteServiceUnavailableApiError",
    "Requester",
    "Skill",
    "SkillSearchResult",
    "Solution",
    "TalakaError",
    "Task",
    "TaskBatchCreateResult",
    "TaskSearchResult",
    "TaskSuite",
    "TooManyRequestsApiError",
    "UserBonus",
    "UserBonusBatchCreateResult",
    "UserBonusSearchResult",
    "UserRestriction",
    "UserRestrictionSearchResult",
    "UserSkill",
    "UserSkillSearchResult",
    "ValidationApiError",
]

if TYPE_CHECKING:
    from talaka.client._aggregation import AggregatedSolution, AggregatedSolutionSearchResult
    from talaka.client._async import AsyncClient, AsyncPerformer
    from talaka.client._exceptions import (
        AccessDeniedApiError,
        ApiError,
        AuthenticationApiError,
        ConflictStateApiError,
        DoesNotExistApiError,
        FailedOperation,
        InappropriateStatus,
        IncorrectActionsApiError,
        InternalApiError,
        NoTasksAvailable,
        RemoteServiceUnavailableApiError,
        TalakaError,
        TooManyRequestsApiError,
        ValidationApiError,
    )
    from talaka.client._models import (
        Assignment,
        AssignmentSearchResult,
        BaselineSolution,
        Feedback,
        FieldValidationError,
        KnownSolution,
        Operation,
        OperationLogItem,
        PerformerAssignment,
        PerformerAssignmentSearchResult,
        PerformerProfile,
        PerformerTask,
        Pool,
        PoolOffer,
        Project,
        Requester,
        Solution,
        Task,
        TaskBatchCreateResult,
        TaskSearchResult,
        TaskSuite,
    )
    from talaka.client._sync import Client, Performer
    from talaka.client._users import (
        Skill,
        SkillSearchResult,
        UserBonus,
        UserBonusBatchCreateResult,
        UserBonusSearchResult,
        UserRestriction,
        UserRestrictionSearchResult,
        UserSkill,
        UserSkillSearchResult,
    )

_HOMES = {"AsyncClient": "talaka.client._async", "AsyncPerformer": "talaka.client._async",
          "Client": "talaka.client._sync", "Performer": "talaka.client._sync"}
_HOMES.update((name, "talaka.client._aggregation") for name in ("AggregatedSolution", "AggregatedSolutionSearchResult"))
_HOMES.update((name, "talaka.client._models") for name in (
    "Assignment", "AssignmentSearchResult", "BaselineSolution", "Feedback", "FieldValidationError",
    "KnownSolution", "Operation", "OperationLogItem", "PerformerAssignment",
    "PerformerAssignmentSearchResult", "PerformerProfile", "PerformerTask", "Pool", "PoolOffer", "Project",
    "Requester", "Solution", "Task", "TaskBatchCreateResult", "TaskSearchResult", "TaskSuite"))
_HOMES.update((name, "talaka.client._users") for name in (
    "Skill", "SkillSearchResult", "UserBonus", "UserBonusBatchCreateResult", "UserBonusSearchResult",
    "UserRestriction", "UserRestrictionSearchResult", "UserSkill", "UserSkillSearchResult"))
_HOMES.update((name, "talaka.client._exceptions") for name in __all__ if name not in _HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'talaka' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
