"""The requester's preview of a project's interface, drawn on a sample of its pools' tasks.

Nothing is sent from it: "Check answers" validates as a submit would and shows the
`output_values` a submit would carry, so a requester can try a Template Builder config (its
fields, hotkeys and validations) before any performer sees it.
"""

from __future__ import annotations

from html import escape

from talaka.web.layout import layout, not_found, status


def preview_page(project_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<a href="/projects/{escape(project_id)}">Project {escape(project_id)}</a></p>
<h1 id="title">Preview</h1>
{status()}
{not_found()}
<div id="content" hidden>
<p class="lead">Tasks as performers see them. Answer them here, then check what a submit would send:
nothing is saved.</p>
<p id="sample-note"></p>
<details id="instructions-box" class="card" hidden><summary>Instructions</summary>
<div id="instructions"></div></details>
<p id="fallback-note" class="notice" role="note" hidden></p>
<div id="preview-tasks" class="preview-tasks"></div>
<div class="actions"><button type="button" id="check-answers">Check answers</button></div>
<div id="check-status" class="status" role="status" aria-live="polite"></div>
<section aria-labelledby="output-heading">
<h2 id="output-heading">What a submit would send</h2>
<p class="hint" id="output-hint">One <code>output_values</code> object per task, in order, once every answer is valid.</p>
<output id="preview-output" class="preview-output" aria-live="off" aria-describedby="output-hint"></output>
</section>
</div>"""
    return layout("Preview", "preview", main, {"project-id": project_id}, styles=("tasks",))
