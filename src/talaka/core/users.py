"""The requester's users without I/O: what a skill, a user skill and a restriction must hold, and how
each is shown.

A skill keeps the client's JSON (`skills.body`, like a pool's). User skills and restrictions are
only columns, so their JSON is built here from a row; a field they cannot keep is refused, never
dropped in silence. Ids of other objects are checked here for their form only: whether a skill, a
performer, a project or a pool is the requester's is the store's to say, and either way the answer
is `ENTITY_DOES_NOT_EXIST` for that field (`missing`), so nothing tells an id that exists elsewhere
from one that exists nowhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.objects import check_fields, is_bool, is_positive, is_string
from talaka.core.timefmt import parse_time

SCOPES: Final = ("ALL_PROJECTS", "PROJECT", "POOL")
"""The scopes a requester may set; Toloka's `SYSTEM` bans are the platform's, not a requester's."""
TARGET_FIELDS: Final = {"PROJECT": "project_id", "POOL": "pool_id"}
"""The field naming what a scoped restriction applies to; `ALL_PROJECTS` has none (target 0)."""
MAX_PRIVATE_COMMENT: Final = 499
MIN_SKILL_VALUE: Final = 0
MAX_SKILL_VALUE: Final = 100
SKILL_READ_ONLY: Final = frozenset({"id", "created", "owner", "training"})
USER_SKILL_FIELDS: Final = frozenset({"skill_id", "user_id", "value", "reason"})
RESTRICTION_FIELDS: Final = frozenset({"user_id", "scope", "project_id", "pool_id", "private_comment",
                                       "will_expire"})
RESTRICTION_READ_ONLY: Final = frozenset({"id", "created"})
_encode = msgspec.json.encode


def is_text_map(value: Any) -> str | None:
    """Texts by language, `{"EN": "Road signs"}`: an object whose values are strings."""
    ok = isinstance(value, dict) and all(isinstance(text, str) for text in value.values())
    return None if ok else "an object of strings by language, like {\"EN\": \"...\"}"


SKILL_CHECKS: Final = {"name": is_string, "private_comment": is_string, "hidden": is_bool,
                       "skill_ttl_hours": is_positive, "public_name": is_text_map,
                       "public_requester_description": is_text_map}


def missing(what: str) -> FieldError:
    """The one answer for a reference that is not the requester's, whether or not it exists elsewhere."""
    return FieldError("ENTITY_DOES_NOT_EXIST", f"Entity does not exist: no {what} with this id is yours")


def unknown_performer() -> FieldError:
    return FieldError("ENTITY_DOES_NOT_EXIST", "Entity does not exist: no performer with this id works for you "
                                               "(one you created, or who worked in your pools)")


def unknown_fields(body: dict[str, Any], known: frozenset[str], kind: str,
                   ignored: frozenset[str] = frozenset()) -> FieldErrors:
    """`VALUE_NOT_ALLOWED` for each field that is neither `known` nor `ignored` (read-only ones)."""
    return {name: FieldError("VALUE_NOT_ALLOWED", f"Unknown field; a {kind} has: {', '.join(sorted(known))}")
            for name in sorted(body.keys() - known - ignored)}


# Skills.


def check_skill(body: dict[str, Any]) -> FieldErrors:
    """Every problem of a skill body (create or full update); read-only fields are ignored."""
    errors = unknown_fields(body, frozenset(SKILL_CHECKS), "skill", SKILL_READ_ONLY)
    check_fields(body, SKILL_CHECKS, ("name",), errors)
    name = body.get("name")
    if isinstance(name, str) and not name.strip():
        errors["name"] = FieldError("BLANK_STRING_NOT_ALLOWED", "A skill needs a name that is not blank")
    return errors


def _writable(body: dict[str, Any]) -> dict[str, Any]:
    """The client's fields in Toloka's order; a field sent as null is left out (`hidden` then defaults)."""
    stored = {name: body[name] for name in SKILL_CHECKS if body.get(name) is not None}
    stored.setdefault("hidden", True)
    return stored


def stored_skill(body: dict[str, Any], *, requester_id: int, created: str) -> dict[str, Any]:
    """The body to store for a requester's own skill (a training's skill is made by the trainings code)."""
    return {**_writable(body), "training": False, "created": created,
            "owner": {"id": str(requester_id), "myself": True}}


def updated_skill(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A full update: the client's writable fields replace the old ones; read-only ones stay as they were."""
    return {**_writable(new), **{name: old[name] for name in ("training", "created", "owner") if name in old}}


# User skills.


def reference(body: dict[str, Any], name: str, errors: FieldErrors) -> str | None:
    """The id in field `name` to look up, or None when the field already has a problem of its form (then
    nothing is looked up). Any string is looked up as it is: one that cannot be an id is simply not found."""
    value = body.get(name)
    return value if isinstance(value, str) and name not in errors else None


@dataclass(frozen=True, slots=True)
class UserSkillRequest:
    """A `PUT /v1/user-skills`: the ids to look up (see `reference`), and the value."""

    skill_id: str | None
    user_id: str | None
    value: float


def check_user_skill(body: dict[str, Any]) -> tuple[UserSkillRequest, FieldErrors]:
    """The request and every problem of its form. `reason` (Toloka's docs allow it) is taken, not kept."""
    errors = unknown_fields(body, USER_SKILL_FIELDS, "user skill")
    check_fields(body, {"skill_id": is_string, "user_id": is_string, "reason": is_string},
                 ("skill_id", "user_id", "value"), errors)
    value = body.get("value")
    if value is not None:
        problem = _skill_value_problem(value)
        if problem is not None:
            errors["value"] = problem
    number = float(value) if value is not None and "value" not in errors else 0.0
    return UserSkillRequest(reference(body, "skill_id", errors), reference(body, "user_id", errors), number), errors


def _skill_value_problem(value: Any) -> FieldError | None:
    if type(value) not in (int, float):
        return FieldError("FLOAT_EXPECTED", f"Expected a number from {MIN_SKILL_VALUE} to {MAX_SKILL_VALUE}, "
                                            f"got {value!r:.40}")
    if value < MIN_SKILL_VALUE:
        return FieldError("VALUE_LESS_THAN_MIN", f"Value must be greater or equal to {MIN_SKILL_VALUE}",
                          [MIN_SKILL_VALUE])
    if not value <= MAX_SKILL_VALUE:
        return FieldError("VALUE_GREATER_THAN_MAX", f"Value must be less or equal to {MAX_SKILL_VALUE}",
                          [MAX_SKILL_VALUE])
    return None


def rounded(value: float) -> int:
    """A skill's `value`: its `exact_value` rounded half up, as a whole number."""
    return math.floor(value + 0.5)


def user_skill_json(row: tuple[int, int, str, float, str, str]) -> bytes:
    """`UserSkill` from `(id, skill id, performer id, value, created, modified)`."""
    user_skill_id, skill_id, user_id, value, created, modified = row
    return _encode({"id": str(user_skill_id), "skill_id": str(skill_id), "user_id": user_id,
                    "value": rounded(value), "exact_value": value, "created": created, "modified": modified})


# Restrictions.


@dataclass(frozen=True, slots=True)
class RestrictionRequest:
    """A `PUT /v1/user-restrictions`: the performer and, by scope, the project or pool to look up (see
    `reference`; `target_field` is None for ALL_PROJECTS and for a scope that is not valid)."""

    user_id: str | None
    scope: str
    target_field: str | None
    target: str | None
    private_comment: str | None
    will_expire: str | None


def check_restriction(body: dict[str, Any]) -> tuple[RestrictionRequest, FieldErrors]:
    """The request and every problem of its form; read-only fields (`id`, `created`) are ignored."""
    errors = unknown_fields(body, RESTRICTION_FIELDS, "user restriction", RESTRICTION_READ_ONLY)
    checks = {name: is_string for name in ("user_id", "scope", "project_id", "pool_id", "private_comment",
                                           "will_expire")}
    check_fields(body, checks, ("user_id", "scope"), errors)
    scope = body.get("scope")
    if isinstance(scope, str) and scope not in SCOPES:
        errors["scope"] = FieldError("UNKNOWN_ENUM_VALUE", f"Expected one of {', '.join(SCOPES)}, "
                                     f"got {scope!r:.40}" + ("; SYSTEM bans are the platform's" if scope == "SYSTEM"
                                                             else ""))
    scope = scope if isinstance(scope, str) and "scope" not in errors else ""
    for scope_of_field, field in TARGET_FIELDS.items():
        if body.get(field) is not None and scope != scope_of_field:
            errors[field] = FieldError("VALUE_NOT_ALLOWED", f"{field} goes only with scope {scope_of_field}")
    target_field = TARGET_FIELDS.get(scope)
    if target_field is not None and body.get(target_field) is None:
        errors[target_field] = FieldError("VALUE_REQUIRED", f"Value must be present with scope {scope}")
    comment = body.get("private_comment")
    if isinstance(comment, str) and len(comment) > MAX_PRIVATE_COMMENT:
        errors["private_comment"] = FieldError(
            "STRING_LENGTH_GREATER_THAN_MAX", f"Expected at most {MAX_PRIVATE_COMMENT} characters, got "
            f"{len(comment)}", [MAX_PRIVATE_COMMENT])
    expires = body.get("will_expire")
    will_expire = parse_time(expires) if isinstance(expires, str) else None
    if isinstance(expires, str) and will_expire is None:
        errors["will_expire"] = FieldError("INVALID_DATE_TIME_SYNTAX", "Expected a date and time like "
                                           f"2030-01-01T12:00:00, got {expires!r:.40}")
    target = reference(body, target_field, errors) if target_field is not None else None
    return RestrictionRequest(reference(body, "user_id", errors), scope, target_field, target,
                              comment if isinstance(comment, str) else None, will_expire), errors


def restriction_json(row: tuple[int, str, str, int, str, str | None, str | None]) -> bytes:
    """`UserRestriction` from `(id, scope, performer id, target, created, will_expire, private_comment)`;
    `scope` is always there (toloka-kit picks the class by it)."""
    restriction_id, scope, user_id, target, created, will_expire, comment = row
    view: dict[str, Any] = {"id": str(restriction_id), "scope": scope, "user_id": user_id}
    field = TARGET_FIELDS.get(scope)
    if field is not None:
        view[field] = str(target)
    if comment is not None:
        view["private_comment"] = comment
    if will_expire is not None:
        view["will_expire"] = will_expire
    view["created"] = created
    return _encode(view)
