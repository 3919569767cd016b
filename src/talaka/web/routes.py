"""The web page's routes, to mount at `/` beside the API under `/api/v1`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from talaka.web import pages
from talaka.web.assets import static_file

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
Page = Callable[[Request], Awaitable[Response]]


def _page(build: Callable[..., str], *params: str) -> Page:
    """A route answering the page `build` makes from the path parameters `params`."""

    async def page(request: Request) -> Response:
        return HTMLResponse(build(*(request.path_params[name] for name in params)), headers=PAGE_HEADERS)

    return page


routes = [
    Route("/", _page(pages.projects_page), methods=["GET"], name="web:projects"),
    Route("/signin", _page(pages.signin_page), methods=["GET"], name="web:signin"),
    Route("/projects/{project_id}", _page(pages.project_page, "project_id"), methods=["GET"], name="web:project"),
    Route("/pools/{pool_id}", _page(pages.pool_page, "pool_id"), methods=["GET"], name="web:pool"),
    Route("/operations", _page(pages.operations_page), methods=["GET"], name="web:operations"),
    Route("/operations/{operation_id}", _page(pages.operation_page, "operation_id"), methods=["GET"],
          name="web:operation"),
    Route("/static/{name}", static_file, methods=["GET"], name="web:static"),
]
