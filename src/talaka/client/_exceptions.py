"""Every error the SDK raises, under one base.

    TalakaError
     ├── ApiError(status_code, code, message, payload, request_id)   any other code
     │    ├── ValidationApiError                VALIDATION_ERROR
     │    ├── AuthenticationApiError            AUTHENTICATION_ERROR
     │    ├── AccessDeniedApiError              ACCESS_DENIED (`reason`: FILTER, RESTRICTED, ...)
     │    ├── DoesNotExistApiError              DOES_NOT_EXIST
     │    ├── ConflictStateApiError             CONFLICT_STATE
     │    ├── TooManyRequestsApiError           TOO_MANY_REQUESTS
     │    ├── RemoteServiceUnavailableApiError  REMOTE_SERVICE_UNAVAILABLE
     │    ├── InternalApiError                  INTERNAL_ERROR
     │    └── IncorrectActionsApiError          OPERATION_ALREADY_EXISTS, EMPTY_POOL,
     │         │                                POOL_INAPPROPRIATE_STATUS, ...
     │         ├── InappropriateStatus          INAPPROPRIATE_STATUS
     │         └── NoTasksAvailable             NO_TASKS_AVAILABLE
     └── FailedOperation(operation)             an operation ended FAIL

The class depends only on the answer's `code`, never on its HTTP status, exactly as in toloka-kit,
and comes from one table, `ERRORS_BY_CODE`. Transport failures that outlast the retries are
raised as the `httpx.TransportError` they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from talaka.client._models import Operation, TaskBatchCreateResult


class TalakaError(Exception):
    """The base of every error the SDK raises on purpose."""


class ApiError(TalakaError):
    """The server answered with an error envelope `{request_id, code, message, payload}`."""

    def __init__(self, status_code: int | None, code: str, message: str, payload: Any = None,
                 request_id: str | None = None) -> None:
        super().__init__(status_code, code, message, payload, request_id)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.payload = payload
        self.request_id = request_id

    def __str__(self) -> str:
        status = f"{self.status_code} " if self.status_code is not None else ""
        request = f" (request {self.request_id})" if self.request_id else ""
        return f"{status}{self.code}: {self.message}{request}"


class ValidationApiError(ApiError):
    """Something sent was invalid; `payload` maps field paths (or, for tasks, input indexes) to errors.

    For `create_tasks`, `payload` is `{index: {field path: FieldValidationError}}` over every
    invalid task, keyed by the caller's input index as a string. `result` holds the tasks that were
    created anyway in the rare case where the call could not keep "nothing is created" (see
    `Client.create_tasks`); it is None otherwise.
    """

    result: TaskBatchCreateResult | None = None

    @property
    def invalid_fields(self) -> list[str]:
        return list(self.payload) if isinstance(self.payload, dict) else []


class AuthenticationApiError(ApiError):
    """The token is missing or not valid."""


class AccessDeniedApiError(ApiError):
    """The token is valid but may not do this (e.g. a performer token on the requester API)."""

    @property
    def reason(self) -> str | None:
        """Why a performer may not work in a pool: `FILTER`, `RESTRICTED` or `TRAINING_REQUIRED`
        (then `payload["training_pool_id"]` names the training to pass first)."""
        reason = self.payload.get("reason") if isinstance(self.payload, dict) else None
        return reason if isinstance(reason, str) else None


class DoesNotExistApiError(ApiError):
    """No such object among the requester's own (another requester's objects look the same)."""


class ConflictStateApiError(ApiError):
    """The object is in a state that does not allow this."""


class TooManyRequestsApiError(ApiError):
    """A request quota is used up; the SDK waits and retries before raising this."""


class RemoteServiceUnavailableApiError(ApiError):
    """The server cannot serve now (e.g. its storage refused a write); retried before raising."""


class InternalApiError(ApiError):
    """The server failed; retried before raising."""


class IncorrectActionsApiError(ApiError):
    """The action does not fit the objects' state: a repeated operation id, an empty pool, ..."""


class InappropriateStatus(IncorrectActionsApiError):
    """The object's status does not allow this: accepting an assignment that is not SUBMITTED,
    submitting one that is no longer ACTIVE (an EXPIRED one says so in `message`), ...

    A subclass of `IncorrectActionsApiError`, so code written for toloka-kit catches it as before.
    """


class NoTasksAvailable(IncorrectActionsApiError):
    """The pool holds nothing more for this performer now; try another pool or come back later."""


class FailedOperation(TalakaError):
    """An operation ended with status `FAIL`."""

    def __init__(self, operation: Operation) -> None:
        super().__init__(operation)
        self.operation = operation

    def __str__(self) -> str:
        return f"operation {self.operation.id} ({self.operation.type}) failed: {self.operation.details}"


INCORRECT_ACTIONS = (
    "ACCOUNT_ALREADY_USED", "ACCOUNT_MUST_BE_IDENTIFIED", "ADJUSTER_NOT_FOUND", "ALL_ASSIGNMENTS_EXHAUSTED",
    "ASSIGNMENTS_AGGREGATION_DENIED", "ASSIGNMENTS_COUNT_CONFLICT", "BATCH_INITIALIZATION_ERROR",
    "BATCH_REJECTED", "BILLING_NOT_SYNCHRONIZED", "CAPTCHA_REQUIRED", "DELETE_ALL_TASKS_CONFLICT",
    "EMPTY_POOL", "INCORRECT_RECIPIENTS", "INVALID_OPERATION_TYPE",
    "INVALID_REFERRAL_CODE", "INVALID_WORKER_STATUS_ERROR", "MIXER_CONFIG_REQUIRED",
    "NEED_PHONE_CONFIRMATION", "NOT_ENOUGH_BALANCE", "OAUTH_AUTHENTICATION_ERROR",
    "OPERATION_ALREADY_EXISTS", "OPERATION_EXECUTION_ERROR", "OPERATION_LOGS_ARCHIVED",
    "PAYONEER_ACCOUNT_NOT_ACTIVE", "PAYPAL_AUTH_CODE_INVALID", "PAYPAL_UNVERIFIED_USER",
    "POOL_ASSIGNMENTS_COUNT_EXCEEDED", "POOL_ASSIGNMENTS_EXHAUSTED", "POOL_INAPPROPRIATE_STATUS",
    "POOL_INVALID_FILTER_FOR_MAP_ISSUING", "POOL_IS_TRAINING", "POOL_LOCKED_BY_ANOTHER_OPERATION",
    "POOL_TASKS_COUNT_EXCEEDED", "POOL_TASK_SUITES_COUNT_EXCEEDED", "POOL_TASK_TYPE_CONFLICT",
    "PROJECT_INAPPROPRIATE_STATUS", "RESULTS_EXPIRED", "SECURE_PHONE_DUPLICATION", "SECURE_PHONE_MISSING",
    "SECURE_PHONE_WAS_CHANGED", "SKILL_IS_TRAINING", "SKILL_IS_USED", "SKILL_IS_USED_BY_PROJECTS",
    "SKILL_REMOVED", "SUBMITTED_ASSIGNMENTS_CONFLICT", "SYNC_POOL_CLONE_ERROR", "SYSTEM_SCOPE_MODIFICATION",
    "TASK_VALIDATION_ERROR", "THERE_IS_ACTIVE_ASSIGNMENT", "THERE_IS_REJECTED_ASSIGNMENT",
    "TOO_MANY_ACTIVE_ASSIGNMENTS", "TRAINING_ARCHIVE_CONFLICT", "UNABLE_TO_UPLOAD_FILE",
    "UNARCHIVED_POOLS_CONFLICT", "UNSUPPORTED_ALGORITHM", "UNSUPPORTED_REGION", "USER_ALREADY_REGISTERED",
    "USER_HAS_PDD_ALIAS", "WITHDRAWAL_TRANSACTION_CANNOT_BE_CANCELLED",
    "WITHDRAWAL_TRANSACTION_CANNOT_BE_CANCELLED_DUE_TO_TIME_LIMIT", "WORKER_SKILL_EXISTS",
    "WRONG_FILE_FORMAT", "WRONG_REVISION",
)
"""Toloka's internal error codes: each means "this action does not fit", never "try again"."""

ERRORS_BY_CODE: dict[str, type[ApiError]] = {
    "VALIDATION_ERROR": ValidationApiError,
    "AUTHENTICATION_ERROR": AuthenticationApiError,
    "ACCESS_DENIED": AccessDeniedApiError,
    "DOES_NOT_EXIST": DoesNotExistApiError,
    "CONFLICT_STATE": ConflictStateApiError,
    "TOO_MANY_REQUESTS": TooManyRequestsApiError,
    "REMOTE_SERVICE_UNAVAILABLE": RemoteServiceUnavailableApiError,
    "INTERNAL_ERROR": InternalApiError,
    **{code: IncorrectActionsApiError for code in INCORRECT_ACTIONS},
    "INAPPROPRIATE_STATUS": InappropriateStatus,
    "NO_TASKS_AVAILABLE": NoTasksAvailable,
}
"""The one table: error code -> exception class. Codes not in it raise `ApiError` itself."""

CODES_BY_STATUS = {400: "VALIDATION_ERROR", 401: "AUTHENTICATION_ERROR", 403: "ACCESS_DENIED",
                   404: "DOES_NOT_EXIST", 409: "CONFLICT_STATE", 429: "TOO_MANY_REQUESTS",
                   500: "INTERNAL_ERROR", 503: "REMOTE_SERVICE_UNAVAILABLE"}
"""The code assumed for an error answer without a JSON envelope (e.g. from a proxy)."""


def api_error(status_code: int | None, code: str, message: str, payload: Any = None,
              request_id: str | None = None) -> ApiError:
    """The exception of the family `code` belongs to."""
    return ERRORS_BY_CODE.get(code, ApiError)(status_code, code, message, payload, request_id)
