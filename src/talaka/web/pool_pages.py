"""The requester's pages about one project and its pools: the project, a pool (progress, upload,
tasks), its assignments under review, and the performers."""

from __future__ import annotations

from html import escape

from talaka.core.pool_plan import DEFAULT_AUTO_ACCEPT_PERIOD_DAYS, DEFAULT_MAX_DURATION_SECONDS
from talaka.web.layout import checkbox, layout, not_found, number, status, table

MANUAL_REVIEW_HINT = ("Submitted suites wait for you to accept or reject them on the pool's review page; those "
                      f"you leave are accepted after {DEFAULT_AUTO_ACCEPT_PERIOD_DAYS} days. Unticked, every "
                      "submitted suite is accepted at once.")
ASSIGNMENT_STATUSES = ("ACTIVE", "SUBMITTED", "ACCEPTED", "REJECTED", "SKIPPED", "EXPIRED")


def project_page(project_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<span id="crumb-project">Project {escape(project_id)}</span></p>
<h1 id="title">Project {escape(project_id)}</h1>
{status()}
{not_found()}
<div id="content" hidden>
<p id="project-description" class="lead"></p>
<dl class="facts" id="project-facts"></dl>
<p class="actions"><a class="button secondary" id="preview-link" href="/projects/{escape(project_id)}/preview">Preview
 the interface</a></p>
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
<fieldset class="inline-fields"><legend>Pay and time</legend>
<div class="form-row"><label for="pool-reward">Reward per suite (US dollars)</label>
<input id="pool-reward" name="reward_per_assignment" inputmode="decimal" value="0.05" required
 aria-describedby="pool-reward-hint"><small id="pool-reward-hint">Dollars, like 0.05 (down to 0.0001): what a
 performer earns for each task suite accepted.</small></div>
{number("pool-duration", "Time per suite (seconds)", 600, minimum=1,
        hint="A suite not submitted in this time expires and goes back to the pool.")}
</fieldset>
{checkbox("pool-manual-review", "Review answers by hand", checked=False, hint=MANUAL_REVIEW_HINT)}
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
<div id="close-reason-fact" hidden><dt>Closed because</dt><dd id="pool-close-reason"></dd></div>
<div><dt>Reward per suite</dt><dd id="pool-reward"></dd></div>
<div><dt>Time per suite</dt><dd id="pool-duration"></dd></div>
<div><dt>Review</dt><dd id="pool-review"></dd></div>
</dl>
<div class="actions">
<button type="button" id="open-pool">Open pool</button>
<button type="button" id="close-pool" class="secondary">Close pool</button>
<a class="button secondary" id="review-link" href="/pools/{escape(pool_id)}/assignments">Review assignments</a>
</div>
{status("pool-message")}
</section>
{_progress()}
{_downloads()}
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
    data = {"pool-id": pool_id, "default-duration": str(DEFAULT_MAX_DURATION_SECONDS)}
    return layout(f"Pool {pool_id}", "pool", main, data, styles=("review",))


def _progress() -> str:
    """Completion, assignments by status, who is at work and when the pool may finish; the script
    keeps them current while the pool is open and the tab visible."""
    counts = "".join(f'<div><dt>{name.capitalize()}</dt><dd id="count-{name.lower()}">…</dd></div>'
                     for name in ASSIGNMENT_STATUSES)
    return f"""<section class="card" aria-labelledby="progress-heading">
<h2 id="progress-heading">Progress</h2>
<div class="progress">
<label for="completion-bar" id="completion-label">Completion</label>
<progress id="completion-bar" max="100" value="0" aria-describedby="completion-text"></progress>
<p id="completion-text" class="progress-numbers"></p>
</div>
<h3 id="by-status-heading">Assignments by status</h3>
<dl class="facts">{counts}</dl>
<dl class="facts">
<div><dt>Performers at work now</dt><dd id="at-work">…</dd></div>
<div><dt>Finishes in</dt><dd id="finishes-in">—</dd></div>
</dl>
<p id="progress-note" class="hint"></p>
{status("progress-message")}
</section>"""


def _downloads() -> str:
    """The answers as toloka-kit's `get_assignments_df` reads them, and aggregated answers."""
    statuses = "".join(checkbox(f"answers-{word.lower()}", label, checked=True, hint=hint) for word, label, hint in (
        ("APPROVED", "Accepted", "Answers you accepted, or that were accepted at once."),
        ("SUBMITTED", "Submitted", "Answers waiting for your review."),
        ("REJECTED", "Rejected", "Answers you rejected.")))
    return f"""<section class="card" aria-labelledby="results-heading">
<h2 id="results-heading">Results</h2>
<h3 id="answers-heading">Answers</h3>
<p class="hint">One row per task per assignment, as the Toloka export: <code>INPUT:</code>, <code>OUTPUT:</code>,
<code>GOLDEN:</code> and <code>ASSIGNMENT:</code> columns.</p>
<form id="answers-form" novalidate>
<fieldset class="options"><legend>Include</legend>{statuses}</fieldset>
<div class="actions"><button type="submit" id="answers-download">Download answers (TSV)</button></div>
</form>
{status("answers-message")}
<h3 id="aggregated-heading">Aggregated answers</h3>
<p class="hint">One row per task: the answer the performers agree on, and how sure it is.</p>
<form id="aggregate-form" novalidate>
<div class="inline-fields">
<div class="form-row"><label for="aggregate-method">Method</label>
<select id="aggregate-method" name="type">
<option value="MAJORITY_VOTE">Majority vote</option>
<option value="DAWID_SKENE">Dawid-Skene (weighs performers by their estimated skill)</option>
</select></div>
<div class="form-row"><label for="aggregate-field">Output field</label>
<select id="aggregate-field" name="field"></select></div>
</div>
<div class="actions"><button type="submit" id="aggregate-download">Download aggregated answers</button></div>
</form>
<div id="aggregate-progress" class="progress" hidden>
<label for="aggregate-bar" id="aggregate-phase">Aggregating</label>
<progress id="aggregate-bar" max="100" value="0"></progress>
</div>
{status("aggregate-message")}
</section>"""


def assignments_page(pool_id: str) -> str:
    options = "".join(f'<option value="{name}">{name.capitalize()}</option>' for name in ASSIGNMENT_STATUSES)
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<a id="crumb-project" href="/">Project</a> <span aria-hidden="true">›</span>
<a id="crumb-pool" href="/pools/{escape(pool_id)}">Pool {escape(pool_id)}</a></p>
<h1 id="title">Assignments of pool {escape(pool_id)}</h1>
{status()}
{not_found()}
<div id="content" hidden>
<form id="filter-form" class="filter-bar" novalidate>
<div class="form-row"><label for="status-filter">Status</label>
<select id="status-filter" name="status"><option value="">All statuses</option>{options}</select></div>
<button type="submit" class="secondary">Show</button>
</form>
<section id="bulk" class="card bulk" aria-labelledby="bulk-heading" hidden>
<h2 id="bulk-heading">Review several at once</h2>
<div class="check"><input type="checkbox" id="select-all" aria-describedby="select-all-hint">
<label for="select-all">Select all on this page</label>
<small id="select-all-hint">Only submitted assignments can be selected.</small></div>
<div class="form-row"><label for="bulk-comment">Comment for the performers</label>
<textarea id="bulk-comment" rows="2" maxlength="2048" aria-describedby="bulk-comment-hint"></textarea>
<small id="bulk-comment-hint">Needed to reject: the performers see it. Optional when accepting.</small></div>
<div class="actions">
<button type="button" id="accept-selected">Accept selected</button>
<button type="button" id="reject-selected" class="secondary">Reject selected</button>
<span id="selected-count" class="hint"></span>
</div>
<div id="bulk-progress" class="progress" hidden>
<label for="bulk-bar" id="bulk-phase">Reviewing</label>
<progress id="bulk-bar" max="100" value="0"></progress>
</div>
<div id="bulk-summary" class="notice" role="status" hidden></div>
</section>
{status("review-message")}
<div class="table-wrap" role="region" aria-labelledby="assignments-caption" tabindex="0">
<table id="assignments-table"><caption id="assignments-caption" class="visually-hidden">Assignments</caption>
<thead><tr><th scope="col">Select</th><th scope="col">#</th><th scope="col">Performer</th>
<th scope="col">Status</th><th scope="col">Submitted</th><th scope="col">Tasks and answers</th>
<th scope="col">Review</th></tr></thead><tbody></tbody></table></div>
<p id="assignments-empty" hidden>No assignments with this status.</p>
<nav class="pager" aria-label="Assignment pages">
<button type="button" id="page-first" class="secondary">First page</button>
<button type="button" id="page-prev" class="secondary">Previous</button>
<span id="page-range" aria-live="polite"></span>
<button type="button" id="page-next" class="secondary">Next</button>
</nav>
</div>"""
    return layout(f"Assignments of pool {pool_id}", "assignments", main, {"pool-id": pool_id},
                  styles=("review",))


def performers_page() -> str:
    main = f"""<h1>Performers</h1>
{status()}
<div id="content" hidden>
<section class="card" aria-labelledby="new-performer-heading">
<h2 id="new-performer-heading">New performer</h2>
<form id="performer-form" novalidate>
<div class="form-row"><label for="performer-name">Name</label>
<input id="performer-name" name="name" required maxlength="200" autocomplete="off"></div>
<div class="inline-fields">
<div class="form-row"><label for="performer-country">Country</label>
<input id="performer-country" name="country" maxlength="2" autocomplete="off" aria-describedby="performer-country-hint">
<small id="performer-country-hint">Two letters, like GB (optional).</small></div>
<div class="form-row"><label for="performer-languages">Languages</label>
<input id="performer-languages" name="languages" autocomplete="off" aria-describedby="performer-languages-hint">
<small id="performer-languages-hint">Two-letter codes separated by commas, like EN, DE (optional).</small></div>
</div>
{checkbox("performer-adult", "May see adult content", checked=False,
          hint="Pools marked as possibly adult are offered only to performers with this ticked.")}
<div id="performer-errors" class="notice error" role="alert" hidden></div>
<button type="submit">Create performer</button>
</form>
<section id="new-token" class="notice token-box" aria-labelledby="new-token-heading" tabindex="-1" hidden>
<h3 id="new-token-heading"></h3>
<p><strong>This token is shown only now.</strong> Copy it and give it to the performer: Talaka keeps only a
hash of it and cannot show it again.</p>
<div class="form-row"><label for="new-token-value">Performer token</label>
<input id="new-token-value" readonly autocomplete="off" spellcheck="false"></div>
<div class="actions">
<button type="button" id="copy-token">Copy token</button>
<button type="button" id="forget-token" class="secondary">I have saved it</button>
</div>
{status("token-message")}
</section>
</section>
<section aria-labelledby="performers-heading">
<h2 id="performers-heading">Your performers</h2>
<p class="hint">Those you created and those who worked in your pools.</p>
{status("performers-message")}
{table("performers-table", "Your performers", ("Name", "Id", "Country", "Languages", "Created", "Restrictions and skills"))}
<p id="performers-empty" hidden>No performers yet: create one above.</p>
<button type="button" id="performers-more" class="secondary" hidden>Show more performers</button>
</section>
</div>"""
    return layout("Performers", "performers", main, styles=("review",))
