"""The pieces every page is built from: the whole-page layout, status regions, tables, inputs.

Pages carry no data, only the id from the URL (escaped, in a `data-` attribute), so they can be
built as plain strings. Everything a script later adds comes from the API and goes in through
`textContent`, never as markup. No inline script or style: the Content-Security-Policy forbids both.
"""

from __future__ import annotations

from html import escape

REQUESTER_NAV = (("/", "Projects"), ("/performers", "Performers"), ("/operations", "Operations"))
PERFORMER_NAV = (("/work", "Tasks"), ("/work/history", "History"))


def layout(title: str, script: str, main: str, data: dict[str, str] | None = None,
           nav: tuple[tuple[str, str], ...] = REQUESTER_NAV, home: str = "/", styles: tuple[str, ...] = ()) -> str:
    """A whole page: header with navigation and sign-out, then `main`, then the page's module.

    Every page takes `talaka.css`; pages that draw more (tasks, review tables) add their own
    stylesheets by name in `styles`.
    """
    sheets = "".join(f'\n<link rel="stylesheet" href="/static/{name}.css">' for name in styles)
    links = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in nav)
    attributes = "".join(f' data-{name}="{escape(value)}"' for name, value in (data or {}).items())
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Talaka</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/talaka.css">{sheets}
<script type="module" src="/static/{script}.js"></script>
</head>
<body{attributes}>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top-bar">
<a class="brand" href="{home}">Talaka</a>
<nav aria-label="Main"><ul>{links}</ul></nav>
<div class="who" id="who" hidden><span id="who-name"></span>
<button type="button" id="sign-out" class="secondary">Sign out</button></div>
</header>
<main id="main" tabindex="-1">
{main}
</main>
<noscript><p class="notice error">This page needs JavaScript: it calls the Talaka API from your browser.</p></noscript>
</body>
</html>
"""


def status(element_id: str = "page-status") -> str:
    """A live region that scripts fill with "Loading…", errors and confirmations."""
    return f'<div id="{element_id}" class="status" role="status" aria-live="polite"></div>'


def table(table_id: str, label: str, headers: tuple[str, ...]) -> str:
    """A table in a scrollable region (focusable, so keyboards can scroll it on a phone)."""
    heads = "".join(f'<th scope="col">{escape(name)}</th>' for name in headers)
    return (f'<div class="table-wrap" role="region" aria-label="{escape(label)}" tabindex="0">'
            f'<table id="{table_id}"><thead><tr>{heads}</tr></thead><tbody></tbody></table></div>')


def number(element_id: str, label: str, value: int, *, minimum: int = 0, hint: str = "") -> str:
    described = f' aria-describedby="{element_id}-hint"' if hint else ""
    note = f'<small id="{element_id}-hint">{escape(hint)}</small>' if hint else ""
    return (f'<div class="form-row"><label for="{element_id}">{escape(label)}</label>'
            f'<input id="{element_id}" name="{element_id}" type="number" inputmode="numeric" '
            f'min="{minimum}" step="1" value="{value}" required{described}>{note}</div>')


def checkbox(element_id: str, label: str, *, checked: bool, hint: str) -> str:
    mark = " checked" if checked else ""
    return (f'<div class="check"><input type="checkbox" id="{element_id}" name="{element_id}"{mark} '
            f'aria-describedby="{element_id}-hint"><label for="{element_id}">{escape(label)}</label>'
            f'<small id="{element_id}-hint">{escape(hint)}</small></div>')


def not_found(href: str = "/", text: str = "Back to your projects") -> str:
    """The box a page shows when its object does not exist (or is someone else's), with a way back."""
    return ('<section id="not-found" class="notice error" hidden><h2>Not found</h2>'
            f'<p id="not-found-message"></p><p><a href="{escape(href)}">{escape(text)}</a></p></section>')
