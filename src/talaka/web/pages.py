"""The HTML of each page: a shell with headings, forms and empty tables that its script fills in.

Pages carry no data, only the id from the URL (escaped, in a `data-` attribute), so they can be
built as plain strings. Everything the script later adds comes from the API and goes in through
`textContent`, never as markup. No inline script or style: the Content-Security-Policy forbids both.
"""

from __future__ import annotations

from html import escape

POOL_OPERATION_TYPES = ("TASK.BATCH_CREATE", "TASK_SUITE.BATCH_CREATE", "POOL.OPEN", "POOL.CLOSE",
                        "POOL.ARCHIVE", "PROJECT.ARCHIVE")
OPERATION_STATUSES = ("PENDING", "RUNNING", "SUCCESS", "FAIL")


def layout(title: str, script: str, main: str, data: dict[str, str] | None = None) -> str:
    """A whole page: header with navigation and sign-out, then `main`, then the page's module."""
    attributes = "".join(f' data-{name}="{escape(value)}"' for name, value in (data or {}).items())
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Talaka</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/talaka.css">
<script type="module" src="/static/{script}.js"></script>
</head>
<body{attributes}>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top-bar">
<a class="brand" href="/">Talaka</a>
<nav aria-label="Main"><ul><li><a href="/">Projects</a></li><li><a href="/operations">Operations</a></li></ul></nav>
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


def _status(element_id: str = "page-status") -> str:
    """A live region that scripts fill with "Loading…", errors and confirmations."""
    return f'<div id="{element_id}" class="status" role="status" aria-live="polite"></div>'


def _table(table_id: str, label: str, headers: tuple[str, ...]) -> str:
    """A table in a scrollable region (focusable, so keyboards can scroll it on a phone)."""
    heads = "".join(f'<th scope="col">{escape(name)}</th>' for name in headers)
    return (f'<div class="table-wrap" role="region" aria-label="{escape(label)}" tabindex="0">'
            f'<table id="{table_id}"><thead><tr>{heads}</tr></thead><tbody></tbody></table></div>')


def _number(element_id: str, label: str, value: int, *, minimum: int = 0, hint: str = "") -> str:
    described = f' aria-describedby="{element_id}-hint"' if hint else ""
    note = f'<small id="{element_id}-hint">{escape(hint)}</small>' if hint else ""
    return (f'<div class="form-row"><label for="{element_id}">{escape(label)}</label>'
            f'<input id="{element_id}" name="{element_id}" type="number" inputmode="numeric" '
            f'min="{minimum}" step="1" value="{value}" required{described}>{note}</div>')


def _checkbox(element_id: str, label: str, *, checked: bool, hint: str) -> str:
    mark = " checked" if checked else ""
    return (f'<div class="check"><input type="checkbox" id="{element_id}" name="{element_id}"{mark} '
            f'aria-describedby="{element_id}-hint"><label for="{element_id}">{escape(label)}</label>'
            f'<small id="{element_id}-hint">{escape(hint)}</small></div>')


def _not_found() -> str:
    return ('<section id="not-found" class="notice error" hidden><h2>Not found</h2>'
            '<p id="not-found-message"></p><p><a href="/">Back to your projects</a></p></section>')


def signin_page() -> str:
    main = f"""<h1>Sign in</h1>
<p>Sign in with your Talaka API token. The token stays in this browser tab only and is forgotten
when you sign out or close the tab.</p>
<form id="signin-form" class="card narrow" novalidate>
<div class="form-row"><label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required
 aria-describedby="token-hint"><small id="token-hint">Create one with <code>talaka requester create NAME</code>.</small></div>
<div id="signin-error" class="notice error" role="alert" hidden></div>
<button type="submit">Sign in</button>
</form>
{_status()}"""
    return layout("Sign in", "signin", main)


def projects_page() -> str:
    main = f"""<h1>Projects</h1>
{_status()}
<section aria-labelledby="projects-heading">
<h2 id="projects-heading">Your projects</h2>
{_table("projects-table", "Projects", ("Name", "Description", "Status", "Created"))}
<p id="projects-empty" hidden>No projects yet: create one below.</p>
<button type="button" id="projects-more" class="secondary" hidden>Show more projects</button>
</section>
<section aria-labelledby="new-project-heading" class="card">
<h2 id="new-project-heading">New project</h2>
<form id="project-form" novalidate>
<div class="form-row"><label for="project-name">Name</label>
<input id="project-name" name="public_name" required maxlength="500"></div>
<div class="form-row"><label for="project-description">Description</label>
<textarea id="project-description" name="public_description" rows="2" required></textarea></div>
<fieldset class="field-specs" id="input-spec-editor" data-side="input">
<legend>Input fields</legend>
<p class="hint">What each task shows the performer, one value per task.</p>
<div class="field-list"></div>
<button type="button" class="secondary add-field">Add input field</button>
</fieldset>
<fieldset class="field-specs" id="output-spec-editor" data-side="output">
<legend>Output fields</legend>
<p class="hint">What performers answer; golden answers use the same fields.</p>
<div class="field-list"></div>
<button type="button" class="secondary add-field">Add output field</button>
</fieldset>
<div id="project-errors" class="notice error" role="alert" hidden></div>
<button type="submit">Create project</button>
</form>
</section>"""
    return layout("Projects", "projects", main)


def project_page(project_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<span id="crumb-project">Project {escape(project_id)}</span></p>
<h1 id="title">Project {escape(project_id)}</h1>
{_status()}
{_not_found()}
<div id="content" hidden>
<p id="project-description" class="lead"></p>
<dl class="facts" id="project-facts"></dl>
<section aria-labelledby="input-heading"><h2 id="input-heading">Input fields</h2>
{_table("input-spec", "Input fields", ("Name", "Type", "Required", "Constraints"))}</section>
<section aria-labelledby="output-heading"><h2 id="output-heading">Output fields</h2>
{_table("output-spec", "Output fields", ("Name", "Type", "Required", "Constraints"))}</section>
<section aria-labelledby="pools-heading"><h2 id="pools-heading">Pools</h2>
{_table("pools-table", "Pools", ("Name", "Status", "Default overlap", "Created"))}
<p id="pools-empty" hidden>No pools yet: create one below.</p>
<button type="button" id="pools-more" class="secondary" hidden>Show more pools</button>
</section>
<section aria-labelledby="new-pool-heading" class="card">
<h2 id="new-pool-heading">New pool</h2>
<form id="pool-form" novalidate>
<div class="form-row"><label for="pool-name">Name</label><input id="pool-name" name="private_name" required
 maxlength="500"></div>
{_number("pool-overlap", "Default overlap", 1, hint="How many performers do each task, unless a task says otherwise.")}
<fieldset class="inline-fields"><legend>Tasks per page for performers</legend>
{_number("pool-real", "Real tasks", 1)}
{_number("pool-golden", "Golden tasks", 0)}
{_number("pool-training", "Training tasks", 0)}
</fieldset>
<div id="pool-errors" class="notice error" role="alert" hidden></div>
<button type="submit">Create pool</button>
</form>
</section>
</div>"""
    return layout(f"Project {project_id}", "project", main, {"project-id": project_id})


def pool_page(pool_id: str) -> str:
    options = "".join((
        _checkbox("upload-defaults", "Allow defaults", checked=True,
                  hint="Tasks without an overlap get the pool's default overlap."),
        _checkbox("upload-skip-invalid", "Skip invalid rows", checked=False,
                  hint="Create the valid rows and list the invalid ones. Unticked, the whole file is "
                       "checked first and nothing is created if any row is invalid."),
        _checkbox("upload-open", "Open the pool after the upload", checked=False,
                  hint="Performers can start as soon as every task is in."),
    ))
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<a id="crumb-project" href="/">Project</a> <span aria-hidden="true">›</span>
<span id="crumb-pool">Pool {escape(pool_id)}</span></p>
<h1 id="title">Pool {escape(pool_id)}</h1>
{_status()}
{_not_found()}
<div id="content" hidden>
<section class="card pool-head" aria-labelledby="state-heading">
<h2 id="state-heading" class="visually-hidden">State</h2>
<dl class="facts" id="pool-facts">
<div><dt>Status</dt><dd><span id="pool-status" class="badge"></span></dd></div>
<div><dt>Tasks</dt><dd id="task-count">…</dd></div>
<div><dt>Golden tasks</dt><dd id="golden-count">…</dd></div>
<div><dt>Default overlap</dt><dd id="pool-overlap"></dd></div>
<div><dt>Mixer (real / golden / training)</dt><dd id="pool-mixer"></dd></div>
<div><dt>Created</dt><dd id="pool-created"></dd></div>
</dl>
<div class="actions">
<button type="button" id="open-pool">Open pool</button>
<button type="button" id="close-pool" class="secondary">Close pool</button>
</div>
{_status("pool-message")}
</section>
<section class="card" aria-labelledby="upload-heading">
<h2 id="upload-heading">Upload tasks</h2>
<form id="upload-form" novalidate>
<div class="drop-zone" id="drop-zone">
<label for="task-file">Task file (TSV, CSV or JSON lines)</label>
<input type="file" id="task-file" name="task-file" accept=".tsv,.csv,.jsonl,.ndjson,.txt,text/csv,text/tab-separated-values"
 aria-describedby="task-file-hint">
<small id="task-file-hint">Choose a file or drop it here. Columns follow Toloka: <code>INPUT:name</code>,
<code>GOLDEN:name</code>, <code>HINT:text</code>, <code>TASK:overlap</code>. Values are read by the project's
field types. Tasks go into this pool.</small>
<p id="file-name" class="file-name"></p>
</div>
<fieldset class="options"><legend>Options</legend>{options}</fieldset>
<div class="actions">
<button type="submit" id="upload-start">Upload</button>
<button type="button" id="upload-stop" class="secondary" hidden>Stop</button>
</div>
</form>
<div id="upload-progress" class="progress" hidden>
<label for="upload-bar" id="upload-phase">Uploading</label>
<progress id="upload-bar" max="100" value="0"></progress>
<p id="upload-numbers" aria-live="polite"></p>
</div>
<div id="upload-summary" class="notice" role="status" hidden></div>
<div id="invalid-rows" hidden>
<h3 id="invalid-heading">Invalid rows</h3>
<p><a id="invalid-download" class="button secondary" href="#" download="invalid-rows.tsv">Download invalid rows (TSV)</a>
<span id="invalid-note"></span></p>
{_table("invalid-table", "Invalid rows", ("Line", "Field", "Code", "Message"))}
</div>
</section>
<section aria-labelledby="tasks-heading">
<h2 id="tasks-heading">Tasks</h2>
<div class="table-wrap" role="region" aria-labelledby="tasks-heading" tabindex="0">
<table id="tasks-table"><thead></thead><tbody></tbody></table></div>
<p id="tasks-empty" hidden>No tasks yet: upload a file above.</p>
<nav class="pager" aria-label="Task pages">
<button type="button" id="tasks-first" class="secondary">First page</button>
<button type="button" id="tasks-prev" class="secondary">Previous</button>
<span id="tasks-range" aria-live="polite"></span>
<button type="button" id="tasks-next" class="secondary">Next</button>
</nav>
</section>
</div>"""
    return layout(f"Pool {pool_id}", "pool", main, {"pool-id": pool_id})


def _select(element_id: str, label: str, values: tuple[str, ...]) -> str:
    options = "".join(f'<option value="{escape(value)}">{escape(value)}</option>' for value in values)
    return (f'<div class="form-row"><label for="{element_id}">{escape(label)}</label>'
            f'<select id="{element_id}"><option value="">Any</option>{options}</select></div>')


def operations_page() -> str:
    main = f"""<h1>Operations</h1>
<form id="operations-filter" class="inline-fields" novalidate>
{_select("filter-type", "Type", POOL_OPERATION_TYPES)}
{_select("filter-status", "Status", OPERATION_STATUSES)}
<div class="form-row"><button type="submit" class="secondary">Show</button></div>
</form>
{_status()}
{_table("operations-table", "Operations",
        ("Submitted", "Type", "Status", "Progress", "Counts", "Object", "Log"))}
<p id="operations-empty" hidden>No operations.</p>
<button type="button" id="operations-more" class="secondary" hidden>Show older operations</button>"""
    return layout("Operations", "operations", main)


def operation_page(operation_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/operations">Operations</a> <span aria-hidden="true">›</span>
<span>{escape(operation_id)}</span></p>
<h1 id="title">Operation</h1>
{_status()}
{_not_found()}
<div id="content" hidden>
<dl class="facts" id="operation-facts"></dl>
<section aria-labelledby="log-heading">
<h2 id="log-heading">Log</h2>
<p id="log-summary"></p>
<div class="actions">
<button type="button" id="log-load">Show the log</button>
<a id="log-download" class="button secondary" href="#" download hidden>Download the log (JSON lines)</a>
</div>
<div class="check" id="log-failed-only-row" hidden><input type="checkbox" id="log-failed-only">
<label for="log-failed-only">Only failed items</label></div>
{_table("log-table", "Log items", ("Item", "Type", "Result", "Details"))}
<button type="button" id="log-more" class="secondary" hidden>Show more</button>
</section>
</div>"""
    return layout("Operation", "operation", main, {"operation-id": operation_id})
