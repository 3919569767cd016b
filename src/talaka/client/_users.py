"""Skills, user skills, user restrictions and user bonuses: their wire models and their flows, without I/O.

The four resources read alike (get by id, find a page, page through everything by id), so one `Kind`
per resource does that. Writing differs: skills are created (not safe to repeat) and updated, user
skills and restrictions are set by an upsert (safe to repeat), and bonuses are created like tasks, with
an operation id that makes a repeated request create nothing twice: a request is always sent with one
(`operation_id`, or a new UUID), so a retry after a timeout meets the first request's result.

Amounts and skill values are `Decimal`s, as in toloka-kit, and go out as JSON numbers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Final, Generic, TypedDict, TypeVar

import msgspec

from talaka.client._core import (
    Call,
    CreationLog,
    Errors,
    Flow,
    Identified,
    Pages,
    SearchPage,
    Settings,
    decode,
    finished_log,
    get_json,
    get_operation,
    path_id,
    query,
    send,
)
from talaka.client._exceptions import (
    IncorrectActionsApiError,
    TalakaError,
    ValidationApiError,
)
from talaka.client._models import Operation, _Model, naive_utc
from talaka.client._types import Moment, RangeFilters

BONUS_BATCH_CREATE: Final = "USER_BONUS.BATCH_CREATE"


class Skill(_Model):
    """A characteristic of performers, from 0 to 100 (a training's results are one too: `training`)."""

    id: str | None = None
    name: str | None = None
    private_comment: str | None = None
    hidden: bool | None = None
    skill_ttl_hours: int | None = None
    training: bool | None = None
    public_name: dict[str, str] | None = None
    public_requester_description: dict[str, str] | None = None
    owner: dict[str, Any] | None = None
    created: datetime | None = None


class UserSkill(_Model):
    """A performer's value of a skill: `exact_value`, and `value` rounded."""

    id: str | None = None
    skill_id: str | None = None
    user_id: str | None = None
    value: int | None = None
    exact_value: Decimal | None = None
    created: datetime | None = None
    modified: datetime | None = None


class UserRestriction(_Model):
    """A performer kept out of all your projects, one project (`project_id`) or one pool (`pool_id`),
    until `will_expire` (never when None). The scopes are class attributes, as in toloka-kit."""

    ALL_PROJECTS: ClassVar[str] = "ALL_PROJECTS"
    PROJECT: ClassVar[str] = "PROJECT"
    POOL: ClassVar[str] = "POOL"

    id: str | None = None
    scope: str | None = None
    user_id: str | None = None
    project_id: str | None = None
    pool_id: str | None = None
    private_comment: str | None = None
    will_expire: datetime | None = None
    created: datetime | None = None

    def __post_init__(self) -> None:
        self.will_expire = naive_utc(self.will_expire)


class UserBonus(_Model):
    """A bonus to a performer, in US dollars (bookkeeping: nobody is paid), for an assignment or not."""

    id: str | None = None
    user_id: str | None = None
    amount: Decimal | None = None
    private_comment: str | None = None
    public_title: dict[str, str] | None = None
    public_message: dict[str, str] | None = None
    without_message: bool | None = None
    assignment_id: str | None = None
    created: datetime | None = None


class UserBonusBatchCreateResult(_Model):
    """What `create_user_bonuses` made: bonuses and problems keyed by the caller's input index, as strings."""

    items: dict[str, UserBonus] = {}
    validation_errors: Errors = {}


class SkillSearchResult(_Model):
    items: list[Skill] = []
    has_more: bool = False


class UserSkillSearchResult(_Model):
    items: list[UserSkill] = []
    has_more: bool = False


class UserRestrictionSearchResult(_Model):
    items: list[UserRestriction] = []
    has_more: bool = False


class UserBonusSearchResult(_Model):
    items: list[UserBonus] = []
    has_more: bool = False


SkillLike = Skill | Mapping[str, Any]
UserRestrictionLike = UserRestriction | Mapping[str, Any]
UserBonusLike = UserBonus | Mapping[str, Any]


class SkillFields(TypedDict, total=False):
    """A skill's writable fields, for `create_skill(name=...)`."""

    name: str
    private_comment: str
    hidden: bool
    skill_ttl_hours: int
    public_name: dict[str, str]
    public_requester_description: dict[str, str]


class SkillFilters(RangeFilters, total=False):
    name: str


class UserSkillFilters(RangeFilters, total=False):
    user_id: str
    skill_id: str
    modified_gt: Moment
    modified_gte: Moment
    modified_lt: Moment
    modified_lte: Moment


class UserRestrictionFilters(RangeFilters, total=False):
    scope: str
    user_id: str
    project_id: str
    pool_id: str


class UserBonusFilters(RangeFilters, total=False):
    user_id: str
    assignment_id: str
    private_comment: str


def _as_builtins(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


encode = msgspec.json.Encoder(enc_hook=_as_builtins, decimal_format="number").encode
"""JSON with `Decimal`s as numbers (the core's encoder would send them as strings)."""

ItemT = TypeVar("ItemT", bound=Identified)
PageT = TypeVar("PageT", bound=SearchPage[Any])


@dataclass(frozen=True, slots=True)
class Kind(Generic[ItemT, PageT]):
    """How one resource is read: by id under `path`, a page of it, and every page."""

    path: str
    item: type[ItemT]
    page: type[PageT]

    def get(self, object_id: str, settings: Settings) -> Flow[ItemT]:
        return (yield from get_json(f"{self.path}/{path_id(object_id)}", self.item, settings))

    def find(self, filters: Mapping[str, Any], sort: str | list[str] | None, limit: int | None,
             settings: Settings) -> Flow[PageT]:
        params = query({**filters, "sort": sort, "limit": limit})
        return (yield from get_json(self.path, self.page, settings, params))

    def pages(self, filters: Mapping[str, Any], batch_size: int | None) -> Pages[ItemT]:
        """Paging of `get_*s`; with no `batch_size`, no `limit` is sent (the server's default page)."""
        return Pages(lambda page_filters, settings: self.find(page_filters, "id", batch_size, settings),
                     filters)

    def delete(self, object_id: str, settings: Settings) -> Flow[None]:
        yield from send(Call("DELETE", f"{self.path}/{path_id(object_id)}"), settings)

    def put(self, path: str, body: Any, settings: Settings) -> Flow[ItemT]:
        """A PUT: an update or an upsert, the same when sent twice."""
        reply = yield from send(Call("PUT", path, body=encode(body)), settings)
        return decode(reply, self.item)


SKILLS: Final = Kind("/v1/skills", Skill, SkillSearchResult)
USER_SKILLS: Final = Kind("/v1/user-skills", UserSkill, UserSkillSearchResult)
USER_RESTRICTIONS: Final = Kind("/v1/user-restrictions", UserRestriction, UserRestrictionSearchResult)
USER_BONUSES: Final = Kind("/v1/user-bonuses", UserBonus, UserBonusSearchResult)
BONUS_LOG: Final = CreationLog(UserBonus, "user_bonus_id", "user bonuses")


def skill_body(skill: SkillLike | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A skill given as an object, as keywords, or both (the keywords win)."""
    given = {} if skill is None else msgspec.to_builtins(skill) if isinstance(skill, Skill) else dict(skill)
    return {**given, **fields}


def create_skill(body: Mapping[str, Any], settings: Settings) -> Flow[Skill]:
    """Not sent again once it may have reached the server, so a skill is never made twice."""
    reply = yield from send(Call("POST", SKILLS.path, body=encode(body), retry_safe=False), settings)
    return decode(reply, Skill)


def user_skill_body(skill_id: str, user_id: str, value: Decimal | float,
                    reason: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"skill_id": skill_id, "user_id": user_id, "value": value}
    if reason is not None:
        body["reason"] = reason
    return body


# Bonuses.


def _refusals(refused: ValidationApiError, single: bool) -> Errors:
    """A synchronous refusal's payload by index: a single bonus's is by field path alone."""
    payload = refused.payload
    if not isinstance(payload, dict) or not payload:
        raise refused
    try:
        return msgspec.convert({"0": payload} if single else payload, Errors)
    except msgspec.ValidationError:
        raise refused from None


def create_bonuses(bonuses: Sequence[UserBonusLike], single: bool, skip_invalid_items: bool | None,
                   async_mode: bool, operation_id: str | uuid.UUID | None,
                   settings: Settings) -> Flow[tuple[dict[str, UserBonus], Errors]]:
    """Create bonuses in one request, safe to repeat; what was created and what was refused, by index.

    `single` sends the one bonus as an object (answered with the bonus, or its problems by field).
    """
    identifier = str(operation_id if operation_id is not None else uuid.uuid4())
    params = query({"operation_id": identifier, "async_mode": async_mode,
                    "skip_invalid_items": skip_invalid_items})
    call = Call("POST", USER_BONUSES.path, params, encode(bonuses[0] if single else list(bonuses)))
    try:
        reply = yield from send(call, settings)
    except ValidationApiError as refused:
        return {}, _refusals(refused, single)
    except IncorrectActionsApiError as exists:
        if exists.code != "OPERATION_ALREADY_EXISTS":
            raise
        operation = yield from get_operation(identifier, settings)
        if operation.type != BONUS_BATCH_CREATE or operation.details.get("total_count") != len(bonuses):
            raise exists
    else:
        if not async_mode:
            if single:
                return {"0": decode(reply, UserBonus)}, {}
            result = decode(reply, UserBonusBatchCreateResult)
            return result.items, result.validation_errors
        operation = decode(reply, Operation)
    operation, log = yield from finished_log(operation, settings)
    return BONUS_LOG.outcome(operation, log, len(bonuses))


def bonus_batch_result(items: dict[str, UserBonus], errors: Errors) -> UserBonusBatchCreateResult:
    """The batch result; `ValidationApiError` when nothing was created (as toloka-kit does)."""
    if errors and not items:
        raise ValidationApiError(None, "VALIDATION_ERROR", (
            f"{len(errors)} of the user bonuses are invalid and nothing was created; `payload` has every "
            "problem by input index and field path"), errors)
    return UserBonusBatchCreateResult(items=items, validation_errors=errors)


def one_bonus(items: dict[str, UserBonus], errors: Errors) -> UserBonus:
    if "0" in items:
        return items["0"]
    if "0" not in errors:
        raise TalakaError("the server created nothing and reported no problem for the bonus")
    raise ValidationApiError(None, "VALIDATION_ERROR", "The user bonus is invalid and was not created; "
                             "`payload` has every problem by field path", errors["0"])
