"""`GET /metrics` in Prometheus's text format, off unless the operator turns it on.

`--metrics-token TOKEN` (`TALAKA_METRICS_TOKEN`) serves it to scrapers that send
`Authorization: Bearer TOKEN`; `--metrics-open` (`TALAKA_METRICS_OPEN=1`) serves it to anyone who
can reach the port, for a private network. Off, the path answers 404 as if it did not exist, so a
public server does not reveal its traffic.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from talaka import metrics
from talaka.api.context import Api
from talaka.core.errors import AuthenticationProblem, NotFoundProblem


async def scrape(request: Request) -> Response:
    api: Api = request.app.state.api
    expected = api.settings.metrics_token
    if expected:
        sent = request.headers.get("authorization", "")
        scheme, _, token = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
            raise AuthenticationProblem("GET /metrics needs the metrics token: send 'Authorization: Bearer "
                                        "<token>' with the token the server was started with (--metrics-token)")
    elif not api.settings.metrics_open:
        raise NotFoundProblem("Metrics are off: start the server with --metrics-token TOKEN (or --metrics-open "
                              "on a private network) to serve /metrics")
    counts = await api.store.unfinished_operations()
    return Response(metrics.exposition(counts), media_type=metrics.CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})


routes = [Route("/metrics", scrape, methods=["GET"])]
