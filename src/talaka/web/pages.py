"""The requester's pages for signing in, projects and operations (pools live in `pool_pages`)."""

from __future__ import annotations

from html import escape

from talaka.web.layout import layout, not_found, status, table

POOL_OPERATION_TYPES = ("TASK.BATCH_CREATE", "TASK_SUITE.BATCH_CREATE", "POOL.OPEN", "POOL.CLOSE",
                        "POOL.ARCHIVE", "PROJECT.ARCHIVE")
OPERATION_STATUSES = ("PENDING", "RUNNING", "SUCCESS", "FAIL")


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
{status()}"""
    return layout("Sign in", "signin", main)


def projects_page() -> str:
    main = f"""<h1>Projects</h1>
{status()}
<section aria-labelledby="projects-heading">
<h2 id="projects-heading">Your projects</h2>
{table("projects-table", "Projects", ("Name", "Description", "Status", "Created"))}
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
<div class="form-row"><label for="project-instructions">Instructions</label>
<textarea id="project-instructions" name="public_instructions" rows="4"
 aria-describedby="project-instructions-hint"></textarea>
<small id="project-instructions-hint">HTML that performers read beside the tasks. It is sanitized before they
see it: scripts, styles and event handlers are removed.</small></div>
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
<div class="form-row"><label for="project-interface">Interface (Template Builder config, JSON)</label>
<textarea id="project-interface" name="view_spec" rows="8" spellcheck="false" autocomplete="off"
 aria-describedby="project-interface-hint"></textarea>
<small id="project-interface-hint">Paste a Template Builder config: an object with a <code>"view"</code>, and
<code>"plugins"</code> and <code>"vars"</code> if it uses them. Leave it empty and performers get a plain form
built from the output fields.</small></div>
<div id="project-errors" class="notice error" role="alert" hidden></div>
<button type="submit">Create project</button>
</form>
</section>"""
    return layout("Projects", "projects", main)


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
{status()}
{table("operations-table", "Operations",
        ("Submitted", "Type", "Status", "Progress", "Counts", "Object", "Log"))}
<p id="operations-empty" hidden>No operations.</p>
<button type="button" id="operations-more" class="secondary" hidden>Show older operations</button>"""
    return layout("Operations", "operations", main)


def operation_page(operation_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/operations">Operations</a> <span aria-hidden="true">›</span>
<span>{escape(operation_id)}</span></p>
<h1 id="title">Operation</h1>
{status()}
{not_found()}
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
{table("log-table", "Log items", ("Item", "Type", "Result", "Details"))}
<button type="button" id="log-more" class="secondary" hidden>Show more</button>
</section>
</div>"""
    return layout("Operation", "operation", main, {"operation-id": operation_id})
