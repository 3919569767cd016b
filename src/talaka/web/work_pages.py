"""The performer's pages under `/work`: sign in with a performer token, the pools offered, a
suite being done, and the history of suites with what they earned."""

from __future__ import annotations

from talaka.web.layout import PERFORMER_NAV, layout, not_found, status


def work_page() -> str:
    main = f"""<h1>Tasks</h1>
{status()}
<section id="offers" aria-labelledby="offers-heading" hidden>
<h2 id="offers-heading">Pools you can work in</h2>
<ul id="offers-list" class="offers"></ul>
</section>"""
    return layout("Tasks", "work", main, nav=PERFORMER_NAV, home="/work")


def work_assignment_page(assignment_id: str) -> str:
    main = f"""<h1 id="title">Task suite</h1>
{status()}
{not_found()}
<div id="content" hidden></div>"""
    return layout("Task suite", "work-suite", main, {"assignment-id": assignment_id}, nav=PERFORMER_NAV,
                  home="/work")


def work_history_page() -> str:
    main = f"""<h1>History</h1>
{status()}
<div id="content" hidden></div>"""
    return layout("History", "work-history", main, nav=PERFORMER_NAV, home="/work")

