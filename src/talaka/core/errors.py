"""Domain errors and the per-field validation error.

Every error the server can answer with is a `TalakaProblem`: it carries the HTTP status, the stable
Toloka error `code`, a human message that says what to do, and an optional JSON payload. The API
layer renders all of them through one handler into the `{request_id, code, message, payload}`
envelope, so no layer below it ever builds HTTP responses.
"""

from __future__ import annotations

from typing import Any

import msgspec


class FieldError(msgspec.Struct, omit_defaults=True):
    """One problem with one field, reported under its dotted path."""

    code: str
    message: str
    params: list[Any] | None = None


FieldErrors = dict[str, FieldError]
"""Dotted field path -> the problem found there."""


class TalakaProblem(Exception):
    """An error that is answered to the client as a JSON envelope."""

    status: int = 500
    code: str = "INTERNAL_ERROR"

    def __init__(self, message: str, payload: Any = None, *, status: int | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.payload = payload
        self.headers = headers or {}
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class ValidationProblem(TalakaProblem):
    """The request is malformed; `payload` maps field paths (or item indexes) to `FieldError`s."""

    status = 400
    code = "VALIDATION_ERROR"


class AuthenticationProblem(TalakaProblem):
    status = 401
    code = "AUTHENTICATION_ERROR"


class NotFoundProblem(TalakaProblem):
    status = 404
    code = "DOES_NOT_EXIST"


class ConflictProblem(TalakaProblem):
    """A state conflict with a specific Toloka code such as `EMPTY_POOL` or `OPERATION_ALREADY_EXISTS`."""

    status = 409
    code = "CONFLICT_STATE"


class TooManyRequestsProblem(TalakaProblem):
    status = 429
    code = "TOO_MANY_REQUESTS"


class PayloadTooLargeProblem(TalakaProblem):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaTypeProblem(TalakaProblem):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class StorageProblem(TalakaProblem):
    """The database refused a write (disk full, I/O error); nothing of the request was kept."""

    status = 503
    code = "REMOTE_SERVICE_UNAVAILABLE"


class AccessDeniedProblem(TalakaProblem):
    """The caller is known but may not do this (the wrong kind of token, a pool it may not work in)."""

    status = 403
    code = "ACCESS_DENIED"
