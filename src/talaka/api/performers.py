"""Performers as requesters see them: create one and list them (Talaka's extensions), and read a user's
metadata."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talaka.api.auth import new_token, token_hash
from talaka.api.context import authorized
from talaka.api.http import json_value, read_object, resource, validation_error
from talaka.core.errors import FieldError, FieldErrors, NotFoundProblem, ValidationProblem
from talaka.core.performers import PERFORMER_ID, check_profile, new_performer_id


async def create_performer(request: Request) -> Response:
    """`POST /api/v1/performers`: the token is in this answer only; it is stored as a hash."""
    api, requester = await authorized(request)
    profile, errors = check_profile(await read_object(request, api.settings.max_performer_body_bytes, "performer"))
    if profile is None:
        raise validation_error(errors, "performer")
    token = new_token()
    record = await api.store.create_performer(new_performer_id(), profile, token_hash(token), requester.id)
    return json_value({"id": record.id, "name": profile.name, "languages": list(profile.languages),
                       "country": profile.country, "adult_allowed": profile.adult_allowed,
                       "created": record.created, "token": token}, 201)


DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
LIST_PARAMS = frozenset({"id_gt", "limit"})


def _page_params(request: Request) -> tuple[str, int]:
    """`id_gt` (a performer id; none starts at the first) and `limit` (1 to `MAX_LIMIT`)."""
    params = request.query_params
    errors: FieldErrors = {}
    id_gt = params.get("id_gt", "")
    if id_gt and not PERFORMER_ID.fullmatch(id_gt):
        errors["id_gt"] = FieldError("INVALID_VALUE", "Expected a performer id: 1 to 64 hex digits")
    raw_limit = params.get("limit", str(DEFAULT_LIMIT))
    limit = int(raw_limit) if raw_limit.isdigit() and len(raw_limit) <= 6 else 0
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = FieldError("INVALID_VALUE", f"Expected an integer from 1 to {MAX_LIMIT}, got "
                                     f"{raw_limit!r:.40}", [1, MAX_LIMIT])
    if errors:
        raise ValidationProblem("Invalid search parameters: " + ", ".join(sorted(errors)), errors)
    return id_gt, limit


async def find_performers(request: Request) -> Response:
    """`GET /api/v1/performers`: the performers this requester created or who did its work (those
    `GET /v1/user-metadata` shows it), by id, paged with `id_gt`. Tokens are never shown again."""
    api, requester = await authorized(request, LIST_PARAMS)
    id_gt, limit = _page_params(request)
    found, has_more = await api.store.performers_known_to(requester.id, id_gt, limit)
    items = [{"id": performer.id, "name": performer.profile.name, "languages": list(performer.profile.languages),
              "country": performer.profile.country, "adult_allowed": performer.profile.adult_allowed,
              "created": performer.created} for performer in found]
    return json_value({"items": items, "has_more": has_more})


async def user_metadata(request: Request) -> Response:
    """Toloka's `GET /v1/user-metadata/{user_id}`, for performers this requester created or whose
    work it has; any other id is not found, so ids cannot be probed."""
    api, requester = await authorized(request)
    user_id = request.path_params["user_id"]
    performer = await api.store.performer_by_id(user_id) if PERFORMER_ID.fullmatch(user_id) else None
    if performer is None or not await api.store.performer_known_to(performer.no, requester.id):
        raise NotFoundProblem(f"There is no performer {user_id!r:.80} among those who work for you")
    profile = performer.profile
    return json_value({"id": performer.id, "country": profile.country, "languages": list(profile.languages),
                       "adult_allowed": profile.adult_allowed, "attributes": {}})


routes = [
    resource("/performers", POST=create_performer, GET=find_performers),
    resource("/user-metadata/{user_id}", GET=user_metadata),
]
