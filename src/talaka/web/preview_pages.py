"""The requester's preview of a project's interface, drawn on a sample of its pools' tasks."""

from __future__ import annotations

from html import escape

from talaka.web.layout import layout, not_found, status


def preview_page(project_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/">Projects</a> <span aria-hidden="true">›</span>
<a href="/projects/{escape(project_id)}">Project {escape(project_id)}</a></p>
<h1 id="title">Preview</h1>
{status()}
{not_found()}
<div id="content" hidden></div>"""
    return layout("Preview", "preview", main, {"project-id": project_id})
