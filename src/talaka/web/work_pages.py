"""The performer's pages under `/work`: sign in with a performer token, the pools offered, a
suite being done, and the history of suites with what they earned.

The performer signs in on `/work` itself (not on `/signin`, which takes requester tokens): a
performer's token lives under its own key in the tab, so a requester and a performer can both be
signed in in one browser. The scripts drive the header's `#who` for the performer.
"""

from __future__ import annotations

from talaka.web.layout import PERFORMER_NAV, layout, not_found, status

STYLES = ("tasks", "work")
"""`tasks.css` draws the tasks themselves (beside `task-view.js`); `work.css` the pages around them."""


def work_page() -> str:
    main = f"""<h1>Tasks</h1>
{status()}
<section id="signin" aria-labelledby="signin-heading" hidden>
<h2 id="signin-heading">Sign in to work</h2>
<p>Sign in with the performer token you were given. It stays in this browser tab only and is
forgotten when you sign out or close the tab.</p>
<form id="signin-form" class="card narrow" novalidate>
<div class="form-row"><label for="performer-token">Performer token</label>
<input id="performer-token" name="performer-token" type="password" autocomplete="off" spellcheck="false"
 required aria-describedby="performer-token-hint"><small id="performer-token-hint">A requester makes one
with <code>talaka performer create NAME</code> and gives it to you.</small></div>
<div id="signin-error" class="notice error" role="alert" hidden></div>
<button type="submit">Sign in</button>
</form>
</section>
<div id="take-error" class="notice error" tabindex="-1" hidden></div>
<section id="offers" aria-labelledby="offers-heading" hidden>
<h2 id="offers-heading">Pools you can work in</h2>
<div id="offers-empty" class="card empty" hidden>
<p><strong>There is no work for you right now.</strong></p>
<p>This list looks for new pools by itself every few seconds: keep the page open, or come back later.</p>
</div>
<ul id="offers-list" class="offers plain"></ul>
</section>"""
    return layout("Tasks", "work", main, nav=PERFORMER_NAV, home="/work", styles=STYLES)


def work_assignment_page(assignment_id: str) -> str:
    main = f"""<p class="crumbs"><a href="/work">Tasks</a></p>
<h1 id="title">Task suite</h1>
{status()}
{not_found("/work", "Back to the pools you can work in")}
<div id="content" hidden>
<div class="suite-bar card">
<dl class="facts" id="suite-facts"></dl>
<div class="countdown" id="countdown-box" hidden><span id="countdown-label">Time left</span>
<span id="countdown" role="timer" aria-labelledby="countdown-label">--:--</span>
<span id="countdown-warning" role="status"></span></div>
</div>
<details id="instructions-box" class="instructions" hidden><summary>Instructions</summary>
<div id="instructions" class="instructions-text"></div></details>
<div id="suite-notice" class="notice" role="status" hidden></div>
<div id="ended-actions" class="actions" hidden>
<button type="button" id="take-another">Take another suite</button>
<a class="button secondary" href="/work">Back to the pools</a>
</div>
<div id="suite-errors" class="notice error" role="alert" hidden></div>
<p id="keys-help" class="hint" hidden>Keyboard: the task's keys answer the highlighted task, then the
next one is highlighted; <kbd>Tab</kbd> moves between fields; <kbd>Enter</kbd> submits the suite.</p>
<fieldset id="tasks-box" class="tasks-box"><legend class="visually-hidden">Tasks of this suite</legend>
<p id="tasks-fallback" class="notice" hidden></p>
<ol id="tasks" class="suite-tasks plain"></ol></fieldset>
<nav id="pager" class="pager" aria-label="Tasks of this suite" hidden>
<button type="button" id="previous-task" class="secondary">Previous task</button>
<span id="pager-position" aria-live="polite"></span>
<button type="button" id="next-task" class="secondary">Next task</button>
</nav>
<div id="suite-actions" class="actions" hidden>
<button type="button" id="submit-suite">Submit</button>
<button type="button" id="skip-suite" class="secondary">Skip this suite</button>
</div>
<div id="skip-confirm" class="notice" role="group" aria-labelledby="skip-question" hidden>
<p id="skip-question">Skip this suite? Its answers are not sent, and its tasks go to other performers.</p>
<div class="actions"><button type="button" id="skip-yes">Yes, skip it</button>
<button type="button" id="skip-no" class="secondary">Keep working</button></div>
</div>
</div>"""
    return layout("Task suite", "work-suite", main, {"assignment-id": assignment_id}, nav=PERFORMER_NAV,
                  home="/work", styles=STYLES)


def work_history_page() -> str:
    main = f"""<h1>History</h1>
{status()}
<section id="earnings" class="card" aria-labelledby="earnings-heading" hidden>
<h2 id="earnings-heading">Earned</h2>
<p id="earned-total" class="earned"></p>
<p id="earned-pending"></p>
</section>
<section id="suites" aria-labelledby="suites-heading" hidden>
<h2 id="suites-heading">Your task suites</h2>
<p id="suites-empty" hidden>You have not taken a task suite yet. <a href="/work">Find work</a>.</p>
<ol id="suites-list" class="history plain"></ol>
<button type="button" id="suites-more" class="secondary" hidden>Show more</button>
<p id="suites-limit" class="hint" hidden>Only your newest 1,000 task suites are listed here; the totals above
count every suite.</p>
</section>"""
    return layout("History", "work-history", main, nav=PERFORMER_NAV, home="/work", styles=STYLES)
