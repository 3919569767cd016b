"""The web page's routes, to mount at `/` beside the API under `/api/v1`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from talaka.web import pages, pool_pages, preview_pages, work_pages
from talaka.web.assets import static_file

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
TASK_MEDIA_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                     "img-src 'self' https: http: data: blob:; media-src 'self' https: http: data: blob:; "
                     "frame-src https: http:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                     "frame-ancestors 'none'")
"""For pages that draw tasks (`/work`, a suite, the preview): a task's images, audio, video and frames live
on other hosts, so those load from anywhere; scripts still come from this server only."""
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
Page = Callable[[Request], Awaitable[Response]]


def _page(build: Callable[..., str], *params: str, policy: str = CONTENT_SECURITY_POLICY) -> Page:
    """A route answering the page `build` makes from the path parameters `params`."""
    headers = {**PAGE_HEADERS, "Content-Security-Policy": policy}

    async def page(request: Request) -> Response:
        return HTMLResponse(build(*(request.path_params[name] for name in params)), headers=headers)

    return page


routes = [
    Route("/", _page(pages.projects_page), methods=["GET"], name="web:projects"),
    Route("/signin", _page(pages.signin_page), methods=["GET"], name="web:signin"),
    Route("/projects/{project_id}", _page(pool_pages.project_page, "project_id"), methods=["GET"],
          name="web:project"),
    Route("/projects/{project_id}/preview",
          _page(preview_pages.preview_page, "project_id", policy=TASK_MEDIA_POLICY), methods=["GET"],
          name="web:preview"),
    Route("/pools/{pool_id}", _page(pool_pages.pool_page, "pool_id"), methods=["GET"], name="web:pool"),
    Route("/pools/{pool_id}/assignments", _page(pool_pages.assignments_page, "pool_id"), methods=["GET"],
          name="web:assignments"),
    Route("/performers", _page(pool_pages.performers_page), methods=["GET"], name="web:performers"),
    Route("/operations", _page(pages.operations_page), methods=["GET"], name="web:operations"),
    Route("/operations/{operation_id}", _page(pages.operation_page, "operation_id"), methods=["GET"],
          name="web:operation"),
    Route("/work", _page(work_pages.work_page, policy=TASK_MEDIA_POLICY), methods=["GET"], name="web:work"),
    Route("/work/history", _page(work_pages.work_history_page), methods=["GET"], name="web:work-history"),
    Route("/work/assignments/{assignment_id}",
          _page(work_pages.work_assignment_page, "assignment_id", policy=TASK_MEDIA_POLICY), methods=["GET"],
          name="web:work-assignment"),
    Route("/static/{name}", static_file, methods=["GET"], name="web:static"),
]
