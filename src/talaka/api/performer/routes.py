"""Every endpoint of the performer API, mounted at `/api/performer/v1`."""

from __future__ import annotations

from starlette.routing import Router

from talaka.api.http import resource
from talaka.api.performer import assignments, pools


def router() -> Router:
    return Router([
        resource("/me", GET=pools.me),
        resource("/pools", GET=pools.offers),
        resource("/assignments", GET=assignments.list_assignments, POST=assignments.take),
        resource("/assignments/{assignment_id}", GET=assignments.get_assignment),
        resource("/assignments/{assignment_id}/submit", POST=assignments.submit),
        resource("/assignments/{assignment_id}/skip", POST=assignments.skip),
    ], redirect_slashes=False)
