"""The requesters' web page, mounted at `/`: HTML shells, their JavaScript and CSS.

The server keeps no web session. The browser holds the API token in `sessionStorage` and calls
the JSON API under `/api/v1` itself, so every page served here is the same for every visitor and
carries no data: an id in the URL is only passed on to the API, which answers 404 for another
requester's objects exactly as for unknown ones.
"""

from talaka.web.routes import routes

__all__ = ["routes"]
