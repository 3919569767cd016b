"""The requester's pages about one project and its pools: the project, a pool (progress, upload,
tasks), its assignments under review, and the performers."""

from __future__ import annotations

from html import escape

from talaka.web.layout import checkbox, layout, not_found, number, status, table


def project_page(project_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<span id="crumb-project">Project {escape(project_id)}</span></p>
<h1 id="title">Project {escape(project_id)}</h1>
{status()}
{not_found()}
<div id="content" hidden>
<p id="project-description" class="lead"></p>
<dl class="facts" id="project-facts"></dl>
<section aria-labelledby="input-heading"><h2 id="input-heading">Input fields</h2>
{table("input-spec", "Input fields", ("Name", "Type", "Required", "Constraints"))}</section>
<section aria-labelledby="output-heading"><h2 id="output-heading">Output fields</h2>
{table("output-spec", "Output fields", ("Name", "Type", "Required", "Constraints"))}</section>
<section aria-labelledby="pools-heading"><h2 id="pools-heading">Pools</h2>
{table("pools-table", "Pools", ("Name", "Status", "Default overlap", "Created"))}
<p id="pools-empty" hidden>No pools yet: create one below.</p>
<button type="button" id="pools-more" class="secondary" hidden>Show more pools</button>
</section>
<section aria-labelledby="new-pool-heading" class="card">
<h2 id="new-pool-heading">New pool</h2>
<form id="pool-form" novalidate>
<div class="form-row"><label for="pool-name">Name</label><input id="pool-name" name="private_name" required
 maxlength="500"></div>
{number("pool-overlap", "Default overlap", 1, hint="How many performers do each task, unless a task says otherwise.")}
<fieldset class="inline-fields"><legend>Tasks per page for performers</legend>
{number("pool-real", "Real tasks", 1)}
{number("pool-golden", "Golden tasks", 0)}
{number("pool-training", "Training tasks", 0)}
</fieldset>
<div id="pool-errors" class="notice error" role="alert" hidden></div>
<button type="submit">Create pool</button>
</form>
</section>
</div>"""
    return layout(f"Project {project_id}", "project", main, {"project-id": project_id})


def pool_page(pool_id: str) -> str:
    options = "".join((
        checkbox("upload-defaults", "Allow defaults", checked=True,
                  hint="Tasks without an overlap get the pool's default overlap."),
        checkbox("upload-skip-invalid", "Skip invalid rows", checked=False,
                  hint="Create the valid rows and list the invalid ones. Unticked, the whole file is "
                       "checked first and nothing is created if any row is invalid."),
        checkbox("upload-open", "Open the pool after the upload", checked=False,
                  hint="Performers can start as soon as every task is in."),
    ))
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<a id="crumb-project" href="/">Project</a> <span aria-hidden="true">›</span>
<span id="crumb-pool">Pool {escape(pool_id)}</span></p>
<h1 id="title">Pool {escape(pool_id)}</h1>
{status()}
{not_found()}
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
{status("pool-message")}
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
{table("invalid-table", "Invalid rows", ("Line", "Field", "Code", "Message"))}
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


def assignments_page(pool_id: str) -> str:
    main = f"""<h1 id="title">Assignments of pool {escape(pool_id)}</h1>
{status()}
{not_found()}
<div id="content" hidden></div>"""
    return layout(f"Assignments of pool {pool_id}", "assignments", main, {"pool-id": pool_id})


def performers_page() -> str:
    main = f"""<h1>Performers</h1>
{status()}
<div id="content" hidden></div>"""
    return layout("Performers", "performers", main)
