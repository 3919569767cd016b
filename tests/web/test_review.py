"""The requester watches a pool fill, reviews its assignments, downloads the results and manages
performers, in Chromium against a real server, while performers work through the performer API.

- The pool page's progress moves as performers take and submit suites, reaches 100 %, and the
  pool shows it closed itself as COMPLETED (on each backend).
- The answers file the browser saves reads with pandas exactly as toloka-kit's `get_assignments_df`
  reads the same endpoint; the aggregated answers file has one row per task with the majority label.
- A pool made with "Review answers by hand" is reviewed on its assignments page: one assignment
  rejected with a comment, one accepted, several accepted and rejected at once (one of them
  accepted meanwhile elsewhere, which the summary reports); the API then shows those statuses.
- On the performers page a new performer's token is shown once and works on the performer API;
  their restriction is listed and lifted, their skill listed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from toloka.client import TolokaClient
from toloka.client.assignment import GetAssignmentsTsvParameters

from tests.web.conftest import (
    Performer,
    Screenshots,
    WebServer,
    assert_accessible,
    create_performer,
    hide_tab,
    need_browser,
    sign_in,
)

need_browser()

from playwright.sync_api import Page, Route, expect  # after need_browser(): without Playwright, skip

ME = "/api/performer/v1"
PROJECT: dict[str, Any] = {
    "public_name": "Cat or dog", "public_description": "Is it a cat or a dog?",
    "task_spec": {"input_spec": {"image": {"type": "url"}, "title": {"type": "string", "required": False}},
                  "output_spec": {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}}}
Answer = Callable[[dict[str, Any]], str]


def truth(inputs: dict[str, Any]) -> str:
    """Even images are cats, odd ones dogs."""
    return "cat" if int(inputs["image"].rsplit("/", 1)[1].split(".")[0]) % 2 == 0 else "dog"


def always(label: str) -> Answer:
    return lambda inputs: label


def image_task(pool_id: str, number: int, **extra: Any) -> dict[str, Any]:
    return {"pool_id": pool_id, "input_values": {"image": f"https://example.com/{number}.png",
                                                 "title": f"picture\t{number} \"quoted\""}, **extra}


def created(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


def new_project(server: WebServer) -> str:
    with server.api() as api:
        return str(created(api.post("/projects", json=PROJECT))["id"])


def take(server: WebServer, performer: Performer, pool_id: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url + ME, headers={"Authorization": f"OAuth {performer.token}"},
                      timeout=30) as me:
        found: dict[str, Any] = created(me.post("/assignments", json={"pool_id": pool_id}))
        return found


def submit(server: WebServer, performer: Performer, assignment: dict[str, Any], answer: Answer) -> None:
    solutions = [{"output_values": {"label": answer(task["input_values"])}} for task in assignment["tasks"]]
    with httpx.Client(base_url=server.url + ME, headers={"Authorization": f"OAuth {performer.token}"},
                      timeout=30) as me:
        created(me.post(f"/assignments/{assignment['id']}/submit", json={"solutions": solutions}))


def work(server: WebServer, performer: Performer, pool_id: str, answer: Answer) -> None:
    submit(server, performer, take(server, performer, pool_id), answer)


def saved(page: Page, button: str, folder: Path, *, timeout: float = 30_000) -> Path:
    """Click `button` and keep the file the page saves."""
    with page.expect_download(timeout=timeout) as started:
        page.get_by_role("button", name=button).click()
    download = started.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def wait_for_routes(page: Page, held: list[Route], count: int) -> None:
    """Wait until `count` requests are held by a route (its handler runs when Playwright gets to it)."""
    for _ in range(250):
        if len(held) >= count:
            return
        page.wait_for_timeout(20)
    assert len(held) == count


def on_a_phone(page: Page, screenshots: Screenshots, name: str) -> None:
    """A screenshot 360 px wide: nothing may stick out of the page but the tables, which scroll."""
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshots(page, name, full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_progress_moves_to_completed_and_the_results_download(page: Page, web_server: WebServer,
                                                              screenshots: Screenshots, tmp_path: Path) -> None:
    project = new_project(web_server)
    with web_server.api() as api:
        pool_id = str(created(api.post("/pools", json={
            "project_id": project, "private_name": "Watched", "defaults": {"default_overlap_for_new_tasks": 3},
            "mixer_config": {"real_tasks_count": 2, "golden_tasks_count": 0, "training_tasks_count": 0}}))["id"])
        created(api.post("/tasks", params={"async_mode": "false", "allow_defaults": "true"},
                         json=[image_task(pool_id, number) for number in range(4)]))
    ann, bob, cid = (create_performer(web_server, f"{name}-{uuid.uuid4().hex[:6]}") for name in ("Ann", "Bob", "Cid"))

    sign_in(page, web_server)
    held: list[Route] = []
    page.route("**/progress", lambda route: held.append(route))  # the first read of the progress is slow
    with page.expect_request("**/progress"):
        page.goto(f"{web_server.url}/pools/{pool_id}")
    page.get_by_role("button", name="Open pool").click()  # while that read is on its way
    expect(page.locator("#pool-status")).to_have_text("OPEN")
    wait_for_routes(page, held, 1)
    [first_read] = held  # read before the pool opened: what it brings back is dropped, and a read follows
    first_read.continue_()
    page.unroute("**/progress")
    expect(page.locator("#completion-text")).to_have_text("0% of the answers the pool needs are in")
    expect(page.locator("#finishes-in")).to_have_text("—")
    polling = "Updated every 2 seconds while the pool is open."
    expect(page.locator("#progress-note")).to_have_text(polling)
    hide_tab(page, True)
    expect(page.locator("#progress-note")).to_have_text("Paused while this tab is hidden.")
    reads: list[str] = []
    page.on("request", lambda request: reads.append(request.url) if "/progress" in request.url else None)
    page.wait_for_timeout(2_500)  # more than a polling interval: a hidden tab asks nothing
    assert reads == []
    hide_tab(page, False)
    expect(page.locator("#progress-note")).to_have_text(polling)

    first = take(web_server, ann, pool_id)
    expect(page.locator("#count-active")).to_have_text("1")
    expect(page.locator("#at-work")).to_have_text("1")
    submit(web_server, ann, first, truth)
    expect(page.locator("#completion-text")).to_have_text("16% of the answers the pool needs are in")
    expect(page.locator("#count-accepted")).to_have_text("1")
    expect(page.locator("#count-active")).to_have_text("0")
    expect(page.locator("#finishes-in")).to_have_text(re.compile(r"^(under a minute|about \d+ minutes?)$"))
    screenshots(page, "pool-progress", full_page=False)
    on_a_phone(page, screenshots, "pool-progress-on-a-phone")

    for performer, answer in ((bob, truth), (bob, truth), (ann, truth)):
        work(web_server, performer, pool_id, answer)
    expect(page.locator("#completion-text")).to_have_text("66% of the answers the pool needs are in")
    expect(page.locator("#completion-bar")).to_have_attribute("value", re.compile(r"^66\.6"))
    for _ in range(2):
        work(web_server, cid, pool_id, always("dog"))
    expect(page.locator("#pool-status")).to_have_text("CLOSED", timeout=20_000)
    expect(page.locator("#completion-bar")).to_have_attribute("value", "100")
    expect(page.locator("#completion-text")).to_have_text("100% of the answers the pool needs are in")
    expect(page.locator("#pool-close-reason")).to_have_text("Completed: every task has all its answers")
    expect(page.locator("#progress-message")).to_contain_text("The pool is complete")
    expect(page.locator("#count-accepted")).to_have_text("6")
    expect(page.locator("#finishes-in")).to_have_text("Finished")
    expect(page.get_by_role("link", name="Review assignments")).to_have_attribute(
        "href", f"/pools/{pool_id}/assignments")
    screenshots(page, "pool-completed")
    assert_accessible(page, "the completed pool's page")

    answers = saved(page, "Download answers (TSV)", tmp_path)
    expect(page.locator("#answers-message")).to_contain_text(f"Saved pool-{pool_id}-answers.tsv")
    kit = TolokaClient(web_server.token, url=web_server.url, retries=0)
    status = GetAssignmentsTsvParameters.Status
    expected = kit.get_assignments_df(pool_id, status=[status.APPROVED, status.SUBMITTED, status.REJECTED])
    browser_frame = pd.read_csv(answers, delimiter="\t")
    assert len(browser_frame) == 12
    pd.testing.assert_frame_equal(browser_frame, expected)
    assert set(browser_frame["INPUT:title"]) == {f"picture\t{number} \"quoted\"" for number in range(4)}

    page.get_by_label("Method").select_option("MAJORITY_VOTE")
    page.get_by_label("Output field").select_option("label")
    aggregated = pd.read_csv(saved(page, "Download aggregated answers", tmp_path), delimiter="\t")
    expect(page.locator("#aggregate-message")).to_contain_text("4 tasks")
    assert list(aggregated.columns) == ["INPUT:image", "INPUT:title", "OUTPUT:label", "CONFIDENCE:label", "TASK:id"]
    assert len(aggregated) == 4
    assert set(aggregated["INPUT:title"]) == set(browser_frame["INPUT:title"])
    assert aggregated["TASK:id"].is_unique
    for _, solution in aggregated.iterrows():
        label = truth({"image": solution["INPUT:image"]})
        assert solution["OUTPUT:label"] == label
        assert solution["CONFIDENCE:label"] == pytest.approx(2 / 3 if label == "cat" else 1.0)


def test_manual_review_one_by_one_and_in_bulk(page: Page, sqlite_web_server: WebServer,
                                              screenshots: Screenshots) -> None:
    server = sqlite_web_server
    project = new_project(server)
    sign_in(page, server)
    page.goto(f"{server.url}/projects/{project}")
    expect(page.get_by_role("link", name="Preview the interface")).to_have_attribute(
        "href", f"/projects/{project}/preview")
    page.get_by_label("Name", exact=True).fill("Reviewed by hand")
    page.get_by_label("Golden tasks").fill("1")
    page.get_by_label("Real tasks").fill("2")
    page.get_by_label("Reward per suite").fill("0.075")
    page.get_by_label("Time per suite").fill("300")
    page.get_by_label("Review answers by hand").check()
    assert_accessible(page, "the project page")
    page.get_by_role("button", name="Create pool").click()
    expect(page.get_by_role("heading", name="Reviewed by hand", level=1)).to_be_visible()
    pool_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("#pool-reward")).to_have_text("$0.075")
    expect(page.locator("#pool-duration")).to_have_text("5 min")
    expect(page.locator("#pool-review")).to_have_text("By hand")
    with server.api() as api:
        pool = created(api.get(f"/pools/{pool_id}"))
        assert (pool["reward_per_assignment"], pool["assignment_max_duration_seconds"],
                pool["auto_accept_solutions"]) == (0.075, 300, False)
        golden = [image_task(pool_id, 100 + number, known_solutions=[{"output_values": {"label": "cat"}}],
                             infinite_overlap=True) for number in range(0, 6, 2)]
        created(api.post("/tasks", params={"async_mode": "false", "allow_defaults": "true", "open_pool": "true"},
                         json=[image_task(pool_id, number) for number in range(12)] + golden))
    ann, bob = (create_performer(server, f"{name}-{uuid.uuid4().hex[:6]}") for name in ("Ann", "Bob"))
    for performer, answer in ((ann, truth), (ann, truth), (ann, truth), (bob, always("dog")), (bob, always("dog")),
                              (bob, always("dog"))):
        work(server, performer, pool_id, answer)

    page.get_by_role("link", name="Review assignments").click()
    page.get_by_label("Status").select_option("SUBMITTED")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?status=SUBMITTED$"))
    rows = page.locator("#assignments-table tbody tr")
    expect(rows).to_have_count(6)
    ids = [rows.nth(index).get_attribute("data-id") for index in range(6)]
    expect(rows.nth(0)).to_contain_text("Known solution")
    expect(rows.nth(0)).to_contain_text("The answer matches the known solution.")
    expect(rows.nth(5)).to_contain_text("The answer differs from the known solution.")
    expect(rows.nth(0)).to_contain_text("https://example.com/")
    screenshots(page, "assignments-to-review")
    assert_accessible(page, "the assignments page")

    reject = page.get_by_role("button", name="Reject assignment 1")
    reject.press("Enter")
    comment = page.get_by_label("Why reject assignment 1? The performer sees this.")
    expect(comment).to_be_focused()
    expect(reject).to_have_attribute("aria-controls", "reject-form-1")
    page.keyboard.press("Escape")  # not now: the form closes, and the focus goes back
    expect(comment).to_be_hidden()
    expect(reject).to_be_focused()
    expect(reject).to_have_attribute("aria-expanded", "false")
    reject.press("Enter")
    expect(comment).to_be_focused()
    page.get_by_role("button", name="Confirm rejection of assignment 1").click()
    expect(page.locator("#review-message")).to_contain_text("Say why you reject assignment 1")
    comment.fill("Blurry answers")
    page.get_by_role("button", name="Confirm rejection of assignment 1").click()
    expect(page.locator("#review-message")).to_have_text("Assignment 1 rejected.")
    expect(rows.nth(0)).to_contain_text("Comment: Blurry answers")
    expect(page.locator("#row-1 th")).to_be_focused()
    patches: list[str] = []
    page.on("request", lambda request: patches.append(request.url) if request.method == "PATCH" else None)
    page.get_by_role("button", name="Accept assignment 2").dblclick()
    expect(page.locator("#review-message")).to_have_text("Assignment 2 accepted.")
    assert len(patches) == 1  # the second click found the row's buttons off while the first was sent

    page.get_by_label("Select all on this page").check()
    for number in (3, 4, 5, 6):
        expect(page.get_by_label(f"Select assignment {number}")).to_be_checked()
    page.get_by_label("Select assignment 6").uncheck()
    expect(page.get_by_label("Select all on this page")).not_to_be_checked()
    expect(page.locator("#selected-count")).to_have_text("3 selected")
    with server.api() as api:  # someone else accepts assignment 5 meanwhile
        created(api.patch(f"/assignments/{ids[4]}", json={"status": "ACCEPTED"}))
    held: list[Route] = []
    page.route("**/api/v1/assignments/*", lambda route: held.append(route) if route.request.method == "PATCH"
               else route.continue_())
    page.get_by_role("button", name="Accept selected").click()
    # While the selection is reviewed, the page holds still: no filter, no paging, no review of one row.
    expect(page.get_by_label("Status")).to_be_disabled()
    expect(page.get_by_role("button", name="Show", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Accept assignment 6")).to_be_disabled()
    expect(page.get_by_label("Select assignment 6")).to_be_disabled()
    wait_for_routes(page, held, 3)  # the three reviews are sent at once (the page sends four at a time)
    for route in held:
        route.continue_()
    page.unroute("**/api/v1/assignments/*")
    summary = page.locator("#bulk-summary")
    expect(summary).to_contain_text("Accepted 2 of 3 assignments.")
    expect(summary).to_contain_text("1 assignment could not be accepted:")
    expect(summary).to_contain_text("Assignment 5:")
    expect(page.get_by_label("Status")).to_be_enabled()
    page.get_by_label("Select assignment 6").check()
    page.get_by_role("button", name="Reject selected").click()
    expect(summary).to_contain_text("Write a comment before rejecting")
    page.get_by_label("Comment for the performers").fill("Too fast to be careful")
    page.get_by_role("button", name="Reject selected").click()
    expect(summary).to_have_text("Rejected 1 of 1 assignment.")
    screenshots(page, "assignments-reviewed")
    on_a_phone(page, screenshots, "assignments-on-a-phone")

    with server.api() as api:
        reviewed = {item["id"]: item for item in created(api.get(
            "/assignments", params={"pool_id": pool_id, "sort": "id", "limit": 10}))["items"]}
    assert [reviewed[assignment]["status"] for assignment in ids] == [
        "REJECTED", "ACCEPTED", "ACCEPTED", "ACCEPTED", "ACCEPTED", "REJECTED"]
    assert reviewed[ids[0]]["public_comment"] == "Blurry answers"
    assert reviewed[ids[5]]["public_comment"] == "Too fast to be careful"
    assert "public_comment" not in reviewed[ids[1]]


def test_performers_page_shows_a_token_once_and_lifts_restrictions(page: Page, sqlite_web_server: WebServer,
                                                                   screenshots: Screenshots) -> None:
    server = sqlite_web_server
    name = f"Dana {uuid.uuid4().hex[:6]}"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    sign_in(page, server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Performers").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Country").fill("de")
    page.get_by_label("Languages").fill("de, en")
    page.get_by_role("button", name="Create performer").click()
    box = page.locator("#new-token")
    expect(box).to_be_visible()
    expect(box).to_be_focused()
    expect(box).to_contain_text("This token is shown only now.")
    token = page.get_by_label("Performer token").input_value()
    assert len(token) >= 20
    page.get_by_role("button", name="Copy token").click()
    expect(page.locator("#token-message")).to_have_text("The token is copied.")
    assert page.evaluate("navigator.clipboard.readText()") == token
    screenshots(page, "performer-token")
    with httpx.Client(base_url=server.url + ME, headers={"Authorization": f"OAuth {token}"}) as me:
        profile = created(me.get("/me"))
    assert (profile["name"], profile["country"], profile["languages"]) == (name, "DE", ["DE", "EN"])

    page.get_by_role("button", name="I have saved it").click()
    expect(box).to_be_hidden()
    expect(page.get_by_label("Name")).to_be_focused()
    assert token not in page.content()
    with server.api() as api:
        performer_id = profile["id"]
        created(api.put("/user-restrictions", json={"user_id": performer_id, "scope": "ALL_PROJECTS",
                                                     "private_comment": "Answers too fast"}))
        skill = created(api.post("/skills", json={"name": f"Accuracy {uuid.uuid4().hex[:6]}"}))
        created(api.put("/user-skills", json={"skill_id": skill["id"], "user_id": performer_id, "value": 87.5}))
    page.reload()
    assert token not in page.content()
    performer_row = page.locator("#performers-table tbody tr", has_text=performer_id)
    expect(performer_row).to_contain_text(name)
    expect(performer_row).to_contain_text("DE, EN")
    page.get_by_role("button", name=f"Show restrictions and skills of {name}").click()
    expect(page.get_by_role("button", name=f"Hide restrictions and skills of {name}")).to_have_attribute(
        "aria-expanded", "true")
    details = page.locator(f"#details-{performer_id}")
    expect(details).to_contain_text("All your projects")
    expect(details).to_contain_text("Answers too fast")
    expect(details).to_contain_text(f"{skill['name']}: 87.5")
    screenshots(page, "performers")
    on_a_phone(page, screenshots, "performers-on-a-phone")
    assert_accessible(page, "the performers page")

    page.get_by_role("button", name=f"Lift the restriction on all your projects for {name}").click()
    expect(page.locator("#performers-message")).to_have_text(
        f"Restriction lifted: {name} may work in all your projects again.")
    expect(details).to_contain_text("No restrictions.")
    expect(details).to_contain_text(f"{skill['name']}: 87.5")
    with server.api() as api:
        assert created(api.get("/user-restrictions", params={"user_id": performer_id}))["items"] == []
