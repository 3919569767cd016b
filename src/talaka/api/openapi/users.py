"""The requester's users: skills, user skills, user restrictions and user bonuses, as sent and as
answered, and their `/v1` routes.

Unlike projects and pools, these objects refuse unknown fields (`additionalProperties: false` on
input): user skills and restrictions are columns only, so there is nothing that could keep them.
Read-only fields sent back (`id`, `created`, a skill's `owner` and `training`) are ignored. A
referenced id that is not the requester's is a 400 `ENTITY_DOES_NOT_EXIST` on its field. The routes
are served by `talaka.api.skills`, `user_skills`, `user_restrictions` and `user_bonuses`; the search
parameters come from the tables in `talaka.api.search_params`.
"""

from __future__ import annotations

from talaka.api import search_params as sp
from talaka.api.openapi.schema import (
    ASSIGNMENT_ID,
    BOOLEAN,
    FLAG,
    NUMERIC_ID,
    PERFORMER_ID,
    STRING,
    TEXT,
    TIME_IN,
    TIMESTAMP,
    V1,
    Schema,
    headers,
    json_response,
    map_of,
    nullable,
    obj,
    op,
    page_of,
    path_parameter,
    query,
    ref,
    search_query,
)
from talaka.core.bonuses import ID_DIGITS, MAX_AMOUNT, MAX_ITEMS, MIN_AMOUNT, OPERATION_TYPE
from talaka.core.users import MAX_PRIVATE_COMMENT, MAX_SKILL_VALUE, MIN_SKILL_VALUE, SCOPES, TARGET_FIELDS

TEXTS: Schema = {"type": "object", "additionalProperties": {"type": "string"},
                 "description": "Texts by language: {\"EN\": \"...\"}"}
IGNORED: Schema = {"description": "Read-only: ignored when sent"}
BONUS_ID: Schema = {"type": "string", "pattern": f"^[0-9]{{{ID_DIGITS},18}}$", "description": (
    f"Decimal, zero-padded to {ID_DIGITS} digits, so that string order is creation order")}
REFERENCE: Schema = {"type": "string", "description": "Must name one of yours (else 400 ENTITY_DOES_NOT_EXIST)"}
PERFORMER_REFERENCE: Schema = {"type": "string", "description": (
    "A performer you created or who worked in your pools (else 400 ENTITY_DOES_NOT_EXIST)")}
NO_CONTENT: Schema = {"description": "Deleted", "headers": headers()}


def skill_schemas() -> dict[str, Schema]:
    writable: dict[str, Schema] = {
        "name": {"type": "string", "pattern": r"\S"}, "private_comment": TEXT, "hidden": FLAG | {"default": True},
        "skill_ttl_hours": nullable({"type": "integer", "minimum": 1}), "public_name": nullable(TEXTS),
        "public_requester_description": nullable(TEXTS)}
    server: dict[str, Schema] = {
        "id": NUMERIC_ID, "training": BOOLEAN | {"description": "true for the skill of a training's results"},
        "created": TIMESTAMP, "owner": obj({"id": NUMERIC_ID, "myself": BOOLEAN}, ("id", "myself"))}
    shown: dict[str, Schema] = {
        "name": STRING, "private_comment": STRING, "hidden": BOOLEAN,
        "skill_ttl_hours": {"type": "integer", "minimum": 1}, "public_name": TEXTS,
        "public_requester_description": TEXTS}
    return {
        "SkillInput": obj(writable | dict.fromkeys(("id", "created", "owner", "training"), IGNORED), ("name",),
                          extra=False, description="A field sent as null is left out; hidden defaults to true"),
        "Skill": obj(shown | server, ("id", "name", "hidden", "created", "owner"),
                     description="GET /v1/skills?name= finds one by its exact name"),
        "SkillPage": page_of("Skill"),
    }


def user_skill_schemas() -> dict[str, Schema]:
    value = {"type": "number", "minimum": MIN_SKILL_VALUE, "maximum": MAX_SKILL_VALUE}
    return {
        "UserSkillInput": obj({
            "skill_id": REFERENCE, "user_id": PERFORMER_REFERENCE, "value": value,
            "reason": TEXT | {"description": "Accepted, not kept"}}, ("skill_id", "user_id", "value"), extra=False,
            description="Sets the performer's value of the skill, replacing the one it had"),
        "UserSkill": obj({
            "id": NUMERIC_ID, "skill_id": NUMERIC_ID, "user_id": PERFORMER_ID,
            "value": {"type": "integer", "minimum": MIN_SKILL_VALUE, "maximum": MAX_SKILL_VALUE,
                      "description": "exact_value rounded half up"},
            "exact_value": value, "created": TIMESTAMP, "modified": TIMESTAMP},
            ("id", "skill_id", "user_id", "value", "exact_value", "created", "modified"), extra=False),
        "UserSkillPage": page_of("UserSkill"),
    }


def restriction_schemas() -> dict[str, Schema]:
    comment = {"type": "string", "maxLength": MAX_PRIVATE_COMMENT}
    targets: dict[str, Schema] = {field: REFERENCE for field in TARGET_FIELDS.values()}
    by_scope = [{"if": {"properties": {"scope": {"const": scope}}, "required": ["scope"]},
                 "then": {"required": [field], "properties": {field: REFERENCE}},
                 "else": {"properties": {field: {"type": "null"}}}} for scope, field in TARGET_FIELDS.items()]
    restriction_in = obj({
        "user_id": PERFORMER_REFERENCE, "scope": {"type": "string", "enum": list(SCOPES)},
        **{field: nullable(schema) for field, schema in targets.items()}, "private_comment": nullable(comment),
        "will_expire": nullable(TIME_IN | {"description": "When it ends (UTC without an offset); none: never"}),
        "id": IGNORED, "created": IGNORED}, ("user_id", "scope"), extra=False, description=(
        "One restriction per performer, scope and target: a second PUT replaces the first (same id)"))
    return {
        "UserRestrictionInput": restriction_in | {"allOf": by_scope},
        "UserRestriction": obj({
            "id": NUMERIC_ID, "scope": {"type": "string", "enum": list(SCOPES)}, "user_id": PERFORMER_ID,
            **dict.fromkeys(TARGET_FIELDS.values(), NUMERIC_ID), "private_comment": comment,
            "will_expire": TIMESTAMP, "created": TIMESTAMP}, ("id", "scope", "user_id", "created"), extra=False,
            description="project_id with scope PROJECT, pool_id with scope POOL"),
        "UserRestrictionPage": page_of("UserRestriction"),
    }


def bonus_schemas() -> dict[str, Schema]:
    amount = {"type": "number", "minimum": MIN_AMOUNT, "maximum": MAX_AMOUNT, "description": "US dollars"}
    fields: dict[str, Schema] = {"user_id": PERFORMER_REFERENCE, "amount": amount, "private_comment": TEXT,
                                 "public_title": nullable(TEXTS), "public_message": nullable(TEXTS),
                                 "without_message": FLAG | {"default": False}}
    counts = ("total_count", "valid_count", "not_valid_count", "success_count", "failed_count")
    return {
        "UserBonusInput": obj(fields | {
            "assignment_id": nullable(REFERENCE | {"description": "An assignment of this performer in your pools"}),
            "__item_idx": {"type": "string", "description": "toloka-kit's item index: accepted, never stored"},
            "id": IGNORED, "created": IGNORED}, ("user_id", "amount"), extra=False),
        "UserBonus": obj({
            "id": BONUS_ID, "user_id": PERFORMER_ID, "amount": amount, "private_comment": STRING,
            "public_title": TEXTS, "public_message": TEXTS, "without_message": BOOLEAN,
            "assignment_id": ASSIGNMENT_ID, "created": TIMESTAMP},
            ("id", "user_id", "amount", "without_message", "created"), extra=False,
            description="Bookkeeping only: recorded and summed per performer, paid by nobody"),
        "UserBonusPage": page_of("UserBonus"),
        "UserBonusBatchCreateResult": obj({
            "items": map_of(ref("UserBonus"), "^[0-9]+$", "Index in the request array -> the created bonus"),
            "validation_errors": ref("ItemValidationErrors")}, ("items", "validation_errors"), extra=False),
        "UserBonusOperation": obj({
            "id": {"type": "string", "format": "uuid", "description": "The request's operation_id, else a new one"},
            "type": {"const": OPERATION_TYPE}, "status": {"type": "string", "enum": ["SUCCESS", "FAIL"]},
            "submitted": TIMESTAMP, "started": TIMESTAMP, "finished": TIMESTAMP, "progress": {"const": 100},
            "parameters": obj({"skip_invalid_items": BOOLEAN}, ("skip_invalid_items",), extra=False),
            "details": obj(dict.fromkeys(counts, {"type": "integer", "minimum": 0}), counts, extra=False)},
            ("id", "type", "status", "submitted", "progress", "parameters", "details"), extra=False, description=(
            "Done in the request: already finished. FAIL when nothing was created. Its log has a "
            "USER_BONUS_PERSIST item (output.user_bonus_id) or a USER_BONUS_VALIDATE item (output: the "
            "problems by field path) per item, each with input.__item_idx")),
    }


def users_schemas() -> dict[str, Schema]:
    return skill_schemas() | user_skill_schemas() | restriction_schemas() | bonus_schemas()


def _bonus_create() -> Schema:
    flag = {"type": "boolean", "default": False}
    params = [query("operation_id", {"type": "string", "format": "uuid"},
                    "Idempotency key: a repeat gets the first answer (sync) or 409 (async)"),
              query("async_mode", {"type": "boolean", "default": True}, "false: create now and answer 201"),
              query("skip_invalid_items", flag, "Create the valid bonuses even if some are invalid")]
    body = {"anyOf": [ref("UserBonusInput"), {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS,
                                              "items": ref("UserBonusInput")}]}
    created = {"anyOf": [ref("UserBonusBatchCreateResult"), ref("UserBonus")],
               "description": "An array body gives a UserBonusBatchCreateResult, a single object a UserBonus"}
    create = op("create_user_bonuses", "Give performers bonuses", {
        201: json_response("async_mode=false: created", created),
        202: json_response("async_mode=true (default): the operation, already finished", ref("UserBonusOperation"))},
        (409,), params=params, body=body)
    create["description"] = (
        f"Up to {MAX_ITEMS} bonuses a request. An invalid bonus refuses the whole request (400, payload by item "
        "index; async: an operation that FAILs) unless skip_invalid_items=true and some bonus is valid.")
    return create


def users_paths() -> dict[str, Schema]:
    skill, user_skill, restriction = ref("Skill"), ref("UserSkill"), ref("UserRestriction")
    return {
        f"{V1}/skills": {
            "post": op("create_skill", "Create a skill", {201: json_response("Created", skill)},
                       body=ref("SkillInput")),
            "get": op("find_skills", "Find skills (a training's skill too)",
                      {200: json_response("A page", ref("SkillPage"))}, params=search_query(sp.SKILLS))},
        f"{V1}/skills/{{skill_id}}": {
            "parameters": [path_parameter("skill_id", "A skill")],
            "get": op("get_skill", "Get a skill", {200: json_response("Found", skill)}, (404,)),
            "put": op("update_skill", "Replace a skill's writable fields", {200: json_response("Updated", skill)},
                      (404,), body=ref("SkillInput"))},
        f"{V1}/user-skills": {
            "put": op("set_user_skill", "Set a performer's value of one of your skills",
                      {200: json_response("Set", user_skill)}, body=ref("UserSkillInput")),
            "get": op("find_user_skills", "Find performers' values of your skills",
                      {200: json_response("A page", ref("UserSkillPage"))}, params=search_query(sp.USER_SKILLS))},
        f"{V1}/user-skills/{{user_skill_id}}": {
            "parameters": [path_parameter("user_skill_id", "A user skill")],
            "get": op("get_user_skill", "Get a user skill", {200: json_response("Found", user_skill)}, (404,)),
            "delete": op("delete_user_skill", "Remove a performer's value of a skill", {204: NO_CONTENT}, (404,))},
        f"{V1}/user-restrictions": {
            "put": op("set_user_restriction", "Keep a performer out of your projects, a project or a pool",
                      {200: json_response("Set", restriction)}, body=ref("UserRestrictionInput")),
            "get": op("find_user_restrictions", "Find restrictions",
                      {200: json_response("A page", ref("UserRestrictionPage"))},
                      params=search_query(sp.USER_RESTRICTIONS))},
        f"{V1}/user-restrictions/{{user_restriction_id}}": {
            "parameters": [path_parameter("user_restriction_id", "A user restriction")],
            "get": op("get_user_restriction", "Get a restriction", {200: json_response("Found", restriction)},
                      (404,)),
            "delete": op("delete_user_restriction", "Lift a restriction", {204: NO_CONTENT}, (404,))},
        f"{V1}/user-bonuses": {
            "post": _bonus_create(),
            "get": op("find_user_bonuses", "Find bonuses", {200: json_response("A page", ref("UserBonusPage"))},
                      params=search_query(sp.USER_BONUSES))},
        f"{V1}/user-bonuses/{{user_bonus_id}}": {
            "parameters": [path_parameter("user_bonus_id", "A user bonus")],
            "get": op("get_user_bonus", "Get a bonus", {200: json_response("Found", ref("UserBonus"))}, (404,))},
    }
