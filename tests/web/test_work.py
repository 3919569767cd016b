"""The performer's pages in Chromium: sign in on /work, the offers and why a take is refused, a suite
done with the keyboard alone and the next one following, a training's hints, a suite that expires,
and the history with what was earned.

Projects, pools, trainings and tasks are made through the requester API; performers through
`POST /api/v1/performers`. What a performer did is read back as the requester sees it.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx

from tests.web.conftest import (
    Performer,
    Screenshots,
    WebServer,
    assert_accessible,
    create_performer,
    hide_tab,
    need_browser,
    sign_in_performer,
)
from tests.web.media import MediaServer

need_browser()

from playwright.sync_api import Locator, Page, Route, ViewportSize, expect  # after need_browser()

LABELS = ("cat", "dog", "other")
KEYS = {label: str(number) for number, label in enumerate(LABELS, 1)}
PHONE: ViewportSize = {"width": 360, "height": 780}
CONFIG: dict[str, Any] = {
    "view": {"type": "view.list", "items": [
        {"type": "view.image", "url": {"type": "data.input", "path": "image"}, "ratio": [1, 1], "label": "Photo"},
        {"type": "field.button-radio-group", "label": "Who is in the photo?",
         "data": {"type": "data.output", "path": "result"},
         "options": [{"value": label, "label": label.title()} for label in LABELS],
         "validation": {"type": "condition.required", "hint": "Choose one of the options"}},
    ]},
    "plugins": [
        {"type": "plugin.toloka", "layout": {"kind": "scroll", "taskWidth": 500}},
        {"type": "plugin.hotkeys", **{key: {"type": "action.set", "data": {"type": "data.output", "path": "result"},
                                            "payload": label} for label, key in KEYS.items()}},
    ],
}
INSTRUCTIONS = "<p>Press <b>1</b> for a cat, <b>2</b> for a dog, <b>3</b> for anything else.</p>"
SYNC_OPEN = {"async_mode": "false", "open_pool": "true"}


def ok(response: httpx.Response) -> Any:
    assert response.is_success, response.text
    return response.json() if response.content else None


def project_body(title: str, *, layout: str = "scroll", labels: tuple[str, ...] = LABELS) -> dict[str, Any]:
    config = {**CONFIG, "plugins": [{"type": "plugin.toloka", "layout": {"kind": layout, "taskWidth": 500}},
                                    *CONFIG["plugins"][1:]]}
    spec = {"input_spec": {"image": {"type": "url"}},
            "output_spec": {"result": {"type": "string", "allowed_values": list(labels)}},
            "view_spec": {"type": "tb", "config": json.dumps(config), "inferDataSpec": False, "lock": {}}}
    return {"public_name": title, "public_description": "Say who is in each photo.",
            "public_instructions": INSTRUCTIONS, "task_spec": spec}


def make_project(api: httpx.Client, title: str, **options: Any) -> str:
    return str(ok(api.post("/projects", json=project_body(title, **options)))["id"])


def task_items(pool: str, media: MediaServer, count: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"pool_id": pool, "input_values": {"image": media.image(f"{pool}-{number}")}, **extra}
            for number in range(count)]


def make_pool(api: httpx.Client, project: str, media: MediaServer, *, tasks: int, suite: int = 2,
              **settings: Any) -> str:
    """An open pool of `tasks` tasks of overlap 1, in suites of `suite`."""
    body = {"project_id": project, "private_name": "work page", "reward_per_assignment": 0.05,
            "assignment_max_duration_seconds": 600,
            "mixer_config": {"real_tasks_count": suite, "golden_tasks_count": 0, "training_tasks_count": 0},
            **settings}
    pool = str(ok(api.post("/pools", json=body))["id"])
    ok(api.post("/tasks", params=SYNC_OPEN, json=task_items(pool, media, tasks, overlap=1)))
    return pool


def performer_api(server: WebServer, performer: Performer) -> httpx.Client:
    return httpx.Client(base_url=server.url + "/api/performer/v1", timeout=60,
                        headers={"Authorization": f"OAuth {performer.token}"})


def offer(page: Page, title: str) -> Locator:
    return page.get_by_role("article", name=title)


def suite_tasks(page: Page) -> Locator:
    return page.locator("article.suite-task")


def no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what}: the page is {width} px wide at {PHONE['width']} px"


def close_every_open_pool(server: WebServer) -> None:
    """Every requester of the test server closes their open pools and trainings, so that a new
    performer is offered nothing at all."""
    for token in (server.token, server.other_token, server.journey_token):
        with server.api(token) as api:
            for kind in ("pools", "trainings"):
                for pool in ok(api.get(f"/{kind}", params={"status": "OPEN", "limit": 300}))["items"]:
                    ok(api.post(f"/{kind}/{pool['id']}/close"))


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def held_key(page: Page, key: str) -> bool:
    """A key held down repeats: its repeated keydown, sent to the focus; whether the page took it."""
    taken: bool = page.evaluate("""(key) => !document.activeElement.dispatchEvent(
        new KeyboardEvent("keydown", { key, repeat: true, bubbles: true, cancelable: true }))""", key)
    return taken


# ------------------------------------------------------------------------------------------- tests


def test_a_suite_by_keyboard_then_the_next(web_server: WebServer, media: MediaServer, page: Page,
                                           screenshots: Screenshots) -> None:
    """The whole loop on each backend: digits answer the highlighted task and move on, Enter submits,
    the next suite follows; the requester reads back exactly what was pressed."""
    title = unique("Keyboard cats")
    with web_server.api() as api:
        pool = make_pool(api, make_project(api, title), media, tasks=4)
    performer = create_performer(web_server, "Kim Keys")
    sign_in_performer(page, web_server, performer)
    expect(page.locator("#who-name")).to_have_text("Kim Keys")
    offer(page, title).get_by_role("button", name="Take a suite").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/work/assignments/[^/]+$"))
    first = page.url
    tasks = suite_tasks(page)
    expect(tasks).to_have_count(2)
    expect(tasks.nth(0)).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("timer", name="Time left")).to_have_text(re.compile(r"^(09:5\d|10:00)$"))
    screenshots(page, "work-suite")

    pressed: dict[str, list[str]] = {}
    page.keyboard.press(KEYS["dog"])
    expect(tasks.nth(1)).to_have_attribute("aria-current", "true")
    expect(tasks.nth(1)).to_be_focused()
    expect(tasks.nth(0)).not_to_have_attribute("aria-current", "true")
    page.keyboard.press(KEYS["other"])
    pressed[first.rsplit("/", 1)[1]] = ["dog", "other"]
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != first and "/work/assignments/" in url)
    expect(page.locator("#page-status")).to_contain_text("Submitted")
    expect(tasks.nth(0)).to_have_attribute("aria-current", "true")
    second = page.url
    page.keyboard.press(KEYS["cat"])
    page.keyboard.press(KEYS["cat"])
    pressed[second.rsplit("/", 1)[1]] = ["cat", "cat"]
    page.keyboard.press("Enter")
    page.wait_for_url(web_server.url + "/work")
    expect(page.locator("#page-status")).to_contain_text(f"Submitted. “{title}” has nothing more for you now")
    expect(offer(page, title)).to_have_count(0)

    with web_server.api() as api:
        stored = ok(api.get("/assignments", params={"pool_id": pool, "sort": "id"}))["items"]
    assert {item["id"]: [solution["output_values"]["result"] for solution in item["solutions"]]
            for item in stored} == pressed
    assert {item["status"] for item in stored} == {"ACCEPTED"}
    assert {item["user_id"] for item in stored} == {performer.id}


def test_sign_in_the_empty_list_and_the_offers(sqlite_web_server: WebServer, media: MediaServer, page: Page,
                                               screenshots: Screenshots) -> None:
    server = sqlite_web_server
    page.clock.install()  # time runs as usual, and the test may skip ahead
    page.goto(server.url + "/work")
    expect(page.get_by_label("Performer token")).to_be_focused()
    assert_accessible(page, "the sign-in form")
    screenshots(page, "work-sign-in")
    page.get_by_label("Performer token").fill("not-a-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")

    close_every_open_pool(server)
    performer = create_performer(server, "Ola Offers")
    sign_in_performer(page, server, performer)
    expect(page.get_by_text("There is no work for you right now")).to_be_visible()
    screenshots(page, "work-no-offers")
    expect(page.locator("#who-name")).to_have_text("Ola Offers")

    title = unique("Offered cats")
    hide_tab(page, True)
    reads: list[str] = []
    page.on("request", lambda request: reads.append(request.url) if request.url.endswith("/pools") else None)
    with server.api() as api:
        make_pool(api, make_project(api, title), media, tasks=4, reward_per_assignment=0.25,
                  assignment_max_duration_seconds=900)
    page.clock.fast_forward(6_000)  # past the time the empty list looks again
    page.wait_for_timeout(300)
    assert reads == []  # a hidden tab does not look
    hide_tab(page, False)  # seen again: it looks at once
    card = offer(page, title)
    expect(card).to_be_visible()
    expect(page.locator("#page-status")).to_contain_text("New work")
    expect(card).to_contain_text("Say who is in each photo.")
    expect(card).to_contain_text("$0.25")
    expect(card).to_contain_text("15 min")
    expect(card).to_contain_text("web")  # the requester's name
    expect(card.get_by_text("Training")).to_have_count(0)
    instructions = card.locator("details")
    expect(instructions).not_to_have_attribute("open", "")
    instructions.locator("summary").click()
    expect(instructions.locator("b").first).to_have_text("1")
    assert_accessible(page, "the offers")
    screenshots(page, "work-offers")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page, "/work")
    screenshots(page, "work-offers-360")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Performer token")).to_be_visible()
    expect(page.locator("#page-status")).to_have_text("You are signed out.")
    page.goto(server.url + "/work/history")  # signed out: sign in first, then back to the history
    page.wait_for_url(server.url + "/work?next=%2Fwork%2Fhistory")
    page.get_by_label("Performer token").fill(performer.token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/work/history")
    expect(page.get_by_role("heading", name="Earned")).to_be_visible()


def test_refusals_are_explained(sqlite_web_server: WebServer, media: MediaServer, page: Page) -> None:
    """Offers read a moment ago can be refused at the take: the filter changed, or others took the
    last tasks."""
    server = sqlite_web_server
    filtered, emptied = unique("Filtered cats"), unique("Last cat")
    with server.api() as api:
        filtered_pool = make_pool(api, make_project(api, filtered), media, tasks=2)
        emptied_pool = make_pool(api, make_project(api, emptied), media, tasks=1, suite=1)
        performer = create_performer(server, "Rae Refused", languages=["EN"])
        rival = create_performer(server, "Rival")
    sign_in_performer(page, server, performer)
    expect(offer(page, filtered)).to_be_visible()
    expect(offer(page, emptied)).to_be_visible()

    with server.api() as api:
        pool = ok(api.get(f"/pools/{filtered_pool}"))
        pool["filter"] = {"and": [{"category": "profile", "key": "languages", "operator": "IN", "value": "DE"}]}
        ok(api.put(f"/pools/{filtered_pool}", json=pool))
    offer(page, filtered).get_by_role("button", name="Take a suite").click()
    refusal = page.locator("#take-error")
    expect(refusal).to_contain_text(f"{filtered}: This pool is not for you")
    expect(refusal).to_be_focused()
    expect(offer(page, filtered)).to_have_count(0)

    with performer_api(server, rival) as me:
        ok(me.post("/assignments", json={"pool_id": emptied_pool}))
    offer(page, emptied).get_by_role("button", name="Take a suite").click()
    expect(refusal).to_contain_text(f"{emptied}: No tasks left for you in this pool")
    expect(offer(page, emptied)).to_have_count(0)
    assert page.url == server.url + "/work"


def test_a_training_shows_hints_and_then_the_pool_opens(sqlite_web_server: WebServer, media: MediaServer,
                                                        page: Page, screenshots: Screenshots) -> None:
    """A pool starts to require a training while its offer is on screen: the take is refused with a
    way to the training; there a wrong answer gets its hint, the corrected suite passes, and the pool
    can be taken. Done on a phone's width."""
    server = sqlite_web_server
    title = unique("Trained cats")
    hint = "Look at the ears: it is a cat"
    with server.api() as api:
        project = make_project(api, title)
        pool_id = make_pool(api, project, media, tasks=2)
        training = {"project_id": project, "private_name": "Cats 101", "may_contain_adult_content": False,
                    "assignment_max_duration_seconds": 600, "mix_tasks_in_creation_order": True,
                    "shuffle_tasks_in_task_suite": False, "training_tasks_in_task_suite_count": 2,
                    "task_suites_required_to_pass": 1, "retry_training_after_days": 1,
                    "inherited_instructions": True}
        training_id = str(ok(api.post("/trainings", json=training))["id"])
        ok(api.post("/tasks", params={"async_mode": "false"}, json=task_items(
            training_id, media, 2, known_solutions=[{"output_values": {"result": "cat"}}],
            message_on_unknown_solution=hint)))
        ok(api.post(f"/trainings/{training_id}/open"))
    performer = create_performer(server, "Tia Trainee")
    page.set_viewport_size(PHONE)
    sign_in_performer(page, server, performer)
    regular = offer(page, title).filter(has_not=page.locator(".badge-training"))
    expect(regular).to_be_visible()

    with server.api() as api:
        pool = ok(api.get(f"/pools/{pool_id}"))
        pool["quality_control"] = {"configs": [], "training_requirement": {
            "training_pool_id": training_id, "training_passing_skill_value": 50}}
        ok(api.put(f"/pools/{pool_id}", json=pool))
    regular.get_by_role("button", name="Take a suite").click()
    refusal = page.locator("#take-error")
    expect(refusal).to_contain_text("This pool needs its training first")
    refusal.get_by_role("button", name="Take the training").click()
    page.wait_for_url(re.compile(r"/work/assignments/[^/]+$"))
    tasks = suite_tasks(page)
    expect(tasks).to_have_count(2)
    no_sideways_scroll(page, "a suite")
    assert_accessible(page, "a suite")
    screenshots(page, "work-suite-360")

    page.keyboard.press(KEYS["cat"])
    page.keyboard.press(KEYS["dog"])  # wrong: every training task is a cat
    page.keyboard.press("Enter")
    expect(tasks.nth(1)).to_contain_text(f"Not right yet. Hint: {hint}")
    expect(tasks.nth(0)).to_contain_text("Right.")
    expect(tasks.nth(0)).not_to_contain_text(hint)
    expect(page.locator("#suite-notice")).to_contain_text("1 answer of 2 is not right")
    expect(page.locator("#page-status")).to_be_empty()
    expect(tasks.nth(1)).to_be_focused()
    expect(tasks.nth(1)).to_have_attribute("aria-current", "true")
    no_sideways_scroll(page, "a training's hints")
    screenshots(page, "work-training-hint-360")
    page.keyboard.press(KEYS["cat"])
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/work")  # the training had one suite: nothing more in it
    expect(page.locator("#page-status")).to_contain_text("has nothing more for you now")
    regular.get_by_role("button", name="Take a suite").click()
    page.wait_for_url(re.compile(r"/work/assignments/[^/]+$"))
    expect(suite_tasks(page)).to_have_count(2)

    with server.api() as api:
        [done] = ok(api.get("/assignments", params={"pool_id": training_id}))["items"]
        skills = ok(api.get("/user-skills", params={"user_id": performer.id}))["items"]
    assert done["status"] == "ACCEPTED"
    assert [item["output_values"]["result"] for item in done["solutions"]] == ["cat", "cat"]
    assert [item["output_values"]["result"] for item in done["first_declined_solution_attempt"]] == ["cat", "dog"]
    assert [float(skill["exact_value"]) for skill in skills] == [50.0]


def test_an_expired_suite_offers_another(sqlite_web_server: WebServer, media: MediaServer, page: Page,
                                         screenshots: Screenshots) -> None:
    """A suite left open past its five seconds says so; "Take another suite" (focused) works, and
    after it a suite is skipped."""
    server = sqlite_web_server
    title = unique("Quick cats")
    with server.api() as api:
        pool = make_pool(api, make_project(api, title), media, tasks=6, assignment_max_duration_seconds=5)
    sign_in_performer(page, server, create_performer(server, "Sam Slow"))
    offer(page, title).get_by_role("button", name="Take a suite").click()
    page.wait_for_url(re.compile(r"/work/assignments/[^/]+$"))
    expect(page.get_by_role("timer", name="Time left")).to_have_text(re.compile(r"^00:0[1-5]$"))
    expect(page.locator("#countdown-warning")).to_have_text("Less than a minute left.")
    held: list[Route] = []
    page.route("**/submit", lambda route: held.append(route))  # the answers leave, and take longer than the time left
    page.keyboard.press(KEYS["cat"])
    page.keyboard.press(KEYS["cat"])
    page.keyboard.press("Enter")
    expect(page.locator("#page-status")).to_have_text("Sending your answers…")
    expect(page.locator("#suite-notice")).to_contain_text("Time is up: this suite expired", timeout=10_000)
    expect(page.locator("#suite-notice")).to_contain_text("answers were not sent")
    for _ in range(100):  # the request reached the route (its handler runs when Playwright gets to it)
        if held:
            break
        page.wait_for_timeout(20)
    with page.expect_event("requestfailed"):
        held.pop().abort()  # they never arrive: the suite stays ended, and says nothing more
    page.unroute("**/submit")
    page.wait_for_timeout(200)
    expect(page.locator("#suite-errors")).to_be_hidden()
    expect(page.get_by_role("timer", name="Time left")).to_have_text("00:00")
    another = page.get_by_role("button", name="Take another suite")
    expect(another).to_be_focused()
    expect(page.get_by_role("button", name="Submit")).to_be_hidden()
    screenshots(page, "work-suite-expired")

    expired = page.url
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != expired and "/work/assignments/" in url)
    submitted = page.url
    expect(suite_tasks(page).first).to_have_attribute("aria-current", "true")  # drawn: keys reach it
    page.keyboard.press(KEYS["dog"])
    assert not held_key(page, KEYS["cat"])  # a held key answers one task, not the next ones too
    page.keyboard.press(KEYS["dog"])
    assert not held_key(page, "Enter")  # nor does a held Enter submit
    expect(page.locator("#page-status")).not_to_have_text("Sending your answers…")
    skips: list[str] = []
    page.on("request", lambda request: skips.append(request.url) if request.url.endswith("/skip") else None)
    page.get_by_role("button", name="Skip this suite").click()
    # Submit while the skip is being confirmed: the question goes, and a skip can no longer follow.
    page.evaluate("""() => {
        document.getElementById("submit-suite").click();
        document.getElementById("skip-yes").click();
    }""")
    page.wait_for_url(lambda url: url not in (expired, submitted) and "/work/assignments/" in url)
    assert skips == []
    expect(suite_tasks(page)).to_have_count(2)
    skip = page.get_by_role("button", name="Skip this suite")
    skip.click()
    expect(page.get_by_role("button", name="Yes, skip it")).to_be_focused()
    page.keyboard.press("Escape")  # changed their mind
    expect(page.get_by_role("button", name="Yes, skip it")).to_be_hidden()
    expect(skip).to_be_focused()
    skip.click()
    page.get_by_role("button", name="Yes, skip it").click()
    page.wait_for_url(server.url + "/work")
    expect(page.locator("#page-status")).to_contain_text("You skipped the suite")

    with server.api() as api:
        stored = ok(api.get("/assignments", params={"pool_id": pool, "sort": "id"}))["items"]
    assert [item["status"] for item in stored] == ["EXPIRED", "ACCEPTED", "SKIPPED"]
    assert [solution["output_values"] for solution in stored[1]["solutions"]] == [{"result": "dog"}] * 2


def submit_suites(me: httpx.Client, pool: str, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        taken = ok(me.post("/assignments", json={"pool_id": pool}))
        answers = [{"output_values": {"result": "cat"}} for _ in taken["tasks"]]
        ok(me.post(f"/assignments/{taken['id']}/submit", json={"solutions": answers}))
        ids.append(taken["id"])
    return ids


def test_the_history_shows_statuses_comments_and_earnings(sqlite_web_server: WebServer, media: MediaServer,
                                                          page: Page, screenshots: Screenshots) -> None:
    server = sqlite_web_server
    paid, reviewed, skipped = unique("Paid cats"), unique("Reviewed cats"), unique("Skipped cats")
    comment = "Photo 2 is a dog: please look closer."
    with server.api() as api:
        paid_pool = make_pool(api, make_project(api, paid), media, tasks=4)
        reviewed_pool = make_pool(api, make_project(api, reviewed), media, tasks=4, reward_per_assignment=0.5,
                                  auto_accept_solutions=False)
        skipped_pool = make_pool(api, make_project(api, skipped), media, tasks=52, suite=1)
    performer = create_performer(server, "Hal History")
    sign_in_performer(page, server, performer)  # the offers name the pools for the history
    expect(offer(page, skipped)).to_be_visible()
    with performer_api(server, performer) as me:
        for _ in range(51):
            ok(me.post(f"/assignments/{ok(me.post('/assignments', json={'pool_id': skipped_pool}))['id']}/skip"))
        submit_suites(me, paid_pool, 2)
        rejected, _ = submit_suites(me, reviewed_pool, 2)
    with server.api() as api:
        ok(api.patch(f"/assignments/{rejected}", json={"status": "REJECTED", "public_comment": comment}))

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Earned")).to_be_visible()
    expect(page.locator("#earned-total")).to_have_text("$0.10 earned from 2 accepted suites.")
    expect(page.locator("#earned-pending")).to_have_text(
        "1 submitted suite is pending review ($0.50 more once accepted).")
    records = page.locator("#suites-list > li")
    expect(records).to_have_count(50)
    newest = records.nth(0)
    expect(newest).to_contain_text(reviewed)
    expect(newest).to_contain_text("SUBMITTED")
    expect(newest).to_contain_text("Reward$0.50 once accepted")
    rejection = page.get_by_role("article", name=reviewed).filter(has_text="REJECTED")
    expect(rejection.locator(".notice.error")).to_have_text(f"Why it was rejected: {comment}")
    expect(rejection).to_contain_text("Rewardnone")
    accepted = page.get_by_role("article", name=paid).filter(has_text="ACCEPTED")
    expect(accepted).to_have_count(2)
    expect(accepted.first).to_contain_text("Reward$0.05")
    assert_accessible(page, "the history")
    screenshots(page, "work-history", full_page=False)

    with performer_api(server, performer) as me:  # a suite taken meanwhile goes on top, not at the end
        ok(me.post("/assignments", json={"pool_id": skipped_pool}))
    page.get_by_role("button", name="Show more").click()
    expect(records).to_have_count(56)
    expect(page.get_by_role("button", name="Show more")).to_be_hidden()
    expect(records.nth(0)).to_contain_text("ACTIVE")
    expect(records.nth(51).get_by_role("link")).to_be_focused()  # where the list went on
    expect(records.nth(55)).to_contain_text("SKIPPED")
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, 0)")
    no_sideways_scroll(page, "the history")
    screenshots(page, "work-history-360", full_page=False)
    page.get_by_role("link", name=reviewed).first.click()
    page.wait_for_url(re.compile(r"/work/assignments/[^/]+$"))
    expect(page.locator("#suite-notice")).to_contain_text("waits for the requester's review")
    expect(page.get_by_role("button", name="Submit")).to_be_hidden()


def test_a_pager_suite_and_answers_the_server_refuses(sqlite_web_server: WebServer, media: MediaServer,
                                                      page: Page) -> None:
    """A pager project shows one task at a time; Enter with tasks unanswered says which; an answer the
    server refuses (the project lost an option while the suite was open) is shown by its task."""
    server = sqlite_web_server
    title = unique("Paged cats")
    with server.api() as api:
        project = make_project(api, title, layout="pager")
        pool = make_pool(api, project, media, tasks=2)
    sign_in_performer(page, server, create_performer(server, "Pat Pager"))
    page.evaluate("sessionStorage.setItem('talaka.performer-read', '{left by another version')")
    offer(page, title).get_by_role("button", name="Take a suite").click()
    tasks = suite_tasks(page)
    expect(page.locator("#pager-position")).to_have_text("Task 1 of 2")
    expect(tasks.nth(0)).to_be_visible()
    expect(tasks.nth(1)).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page.locator("#page-status")).to_have_text("2 tasks to finish first: task 1, task 2.")
    expect(tasks.nth(0)).to_contain_text("Choose one of the options")
    page.keyboard.press(KEYS["other"])
    expect(page.locator("#pager-position")).to_have_text("Task 2 of 2")
    expect(tasks.nth(0)).to_be_hidden()
    expect(page.locator("#page-status")).to_have_text("Task 1: Other chosen.")  # it went out of sight
    page.keyboard.press(KEYS["other"])
    page.get_by_role("button", name="Previous task").click()
    expect(tasks.nth(0)).to_be_visible()

    with server.api() as api:
        ok(api.put(f"/projects/{project}", json=project_body(title, layout="pager", labels=("cat", "dog"))))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("The server did not accept some answers")
    expect(tasks.nth(0).locator(".task-errors")).to_contain_text("result:")
    expect(tasks.nth(0)).to_be_focused()
    page.keyboard.press(KEYS["cat"])
    expect(page.locator("#pager-position")).to_have_text("Task 2 of 2")
    page.keyboard.press(KEYS["dog"])
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/work")
    with server.api() as api:
        [stored] = ok(api.get("/assignments", params={"pool_id": pool}))["items"]
    assert [solution["output_values"] for solution in stored["solutions"]] == [{"result": "cat"}, {"result": "dog"}]
