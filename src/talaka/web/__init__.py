"""The web pages, mounted at `/`: requesters' pages at `/`, performers' under `/work`; HTML shells,
their JavaScript and CSS.

The server keeps no web session. The browser holds the token in `sessionStorage` (a requester's
and a performer's under keys of their own) and calls the JSON APIs under `/api/v1` and
`/api/performer/v1` itself, so every page served here is the same for every visitor and carries no
data: an id in the URL is only passed on to the API, which answers 404 for another account's
objects exactly as for unknown ones.
"""

from talaka.web.routes import routes

__all__ = ["routes"]
