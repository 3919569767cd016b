"""The page's static files (JavaScript modules, CSS, icon), read from the package once.

Files are revalidated by ETag on every page load (`no-cache`): modules import one another by
plain relative URLs, so a version in the query string of the first one would not reach the rest.
A 304 per module is cheap and never serves a stale mix after an upgrade.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

MEDIA_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml"}
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.(js|css|svg)")


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    etag: str
    media_type: str


@cache
def asset(name: str) -> Asset | None:
    """The static file `name`, or None when the package has no such file."""
    match = _NAME.fullmatch(name)
    if match is None:
        return None
    source = resources.files("talaka.web").joinpath("static", name)
    if not source.is_file():
        return None
    body = source.read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return Asset(body, etag, MEDIA_TYPES[match.group(1)])


async def static_file(request: Request) -> Response:
    found = asset(request.path_params["name"])
    if found is None:
        raise HTTPException(404)
    headers = {"ETag": found.etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if found.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)
