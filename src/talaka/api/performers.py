"""Performers as requesters see them: create one (Talaka's extension) and read a user's metadata."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from talaka.api.auth import new_token, token_hash
from talaka.api.context import authorized
from talaka.api.http import json_value, read_object, resource, validation_error
from talaka.core.errors import NotFoundProblem
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
    resource("/performers", POST=create_performer),
    resource("/user-metadata/{user_id}", GET=user_metadata),
]
