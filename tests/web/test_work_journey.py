"""The whole loop in the browser, with three people in three browser contexts.

The requester makes a project whose interface is a pasted Template Builder config (an image, a
button radio group, hotkeys 1 and 2), a pool of overlap 2 reviewed by hand, and uploads 20 tasks
whose images the test serves itself. Two performers, each in a context of their own, do every
suite with the keyboard alone: a digit per task, Enter to submit, the next suite follows by itself.
The requester watches the pool's progress reach 100 %, rejects one assignment with a comment and
accepts the rest in bulk; the performer whose suite was rejected reads the comment in the history,
and the pool shows COMPLETED.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.web.conftest import (
    Screenshots,
    WebServer,
    create_performer,
    need_browser,
    sign_in,
    sign_in_performer,
)
from tests.web.media import MediaServer

need_browser()

from playwright.sync_api import Browser, BrowserContext, Page, expect  # after need_browser()

TASKS = 20
SUITE = 5
OVERLAP = 2
PROJECT = "Cat or dog, by keyboard"
REJECT_COMMENT = "Task 3 is clearly a dog: please look at the picture before answering."

TB_CONFIG = {
    "view": {"type": "view.list", "items": [
        {"type": "view.image", "url": {"type": "data.input", "path": "image"}, "ratio": [1, 1],
         "label": "Photo"},
        {"type": "field.button-radio-group", "label": "Who is in the photo?",
         "data": {"type": "data.output", "path": "result"},
         "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"}],
         "validation": {"type": "condition.required", "hint": "Choose one of the options"}},
    ]},
    "plugins": [
        {"type": "plugin.toloka", "layout": {"kind": "scroll", "taskWidth": 500}},
        {"type": "plugin.hotkeys",
         "1": {"type": "action.set", "data": {"type": "data.output", "path": "result"}, "payload": "cat"},
         "2": {"type": "action.set", "data": {"type": "data.output", "path": "result"}, "payload": "dog"}},
    ],
}


def animal(index: int) -> str:
    return "cat" if index % 3 else "dog"


def task_file(folder: Path, media: MediaServer) -> Path:
    lines = ["INPUT:image\tINPUT:number"]
    lines += [f"{media.image(f'{animal(index)}-{index}')}\t{index}" for index in range(TASKS)]
    path = folder / "animals.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def new_context(browser: Browser, errors: list[str]) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    context.on("weberror", lambda error: errors.append(f"uncaught: {error.error}"))
    return context


def create_project(page: Page, shots: Screenshots) -> None:
    page.get_by_label("Name", exact=True).first.fill(PROJECT)
    page.get_by_label("Description").fill("Say who is in the photo.")
    page.get_by_label("Instructions").fill("<p>Press <b>1</b> for a cat and <b>2</b> for a dog.</p>")
    field = page.get_by_role("group", name="Input field 1", exact=True)
    field.get_by_label("Name").fill("image")
    field.get_by_label("Type").select_option("url")
    page.get_by_role("button", name="Add input field").click()
    field = page.get_by_role("group", name="Input field 2", exact=True)
    field.get_by_label("Name").fill("number")
    field.get_by_label("Type").select_option("integer")
    field = page.get_by_role("group", name="Output field 1", exact=True)
    field.get_by_label("Name").fill("result")
    field.get_by_label("Type").select_option("string")
    field.get_by_label("Allowed values", exact=True).fill("cat, dog")
    page.get_by_label("Interface (Template Builder config, JSON)").fill(json.dumps(TB_CONFIG, indent=2))
    shots(page, "journey-project-form")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name=PROJECT, level=1)).to_be_visible()


def create_pool(page: Page, shots: Screenshots) -> str:
    page.get_by_label("Name", exact=True).fill("Twenty animals")
    page.get_by_label("Default overlap").fill(str(OVERLAP))
    page.get_by_label("Real tasks").fill(str(SUITE))
    page.get_by_label("Golden tasks").fill("0")
    page.get_by_label("Reward per suite (US dollars)").fill("0.05")
    page.get_by_label("Review answers by hand").check()
    page.get_by_role("button", name="Create pool").click()
    expect(page.get_by_role("heading", name="Twenty animals", level=1)).to_be_visible()
    match = re.search(r"/pools/(\d+)$", page.url)
    assert match, page.url
    return match.group(1)


def upload_and_open(page: Page, shots: Screenshots, path: Path) -> None:
    page.get_by_label("Task file").set_input_files(str(path))
    page.get_by_label("Open the pool after the upload").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-summary")).to_contain_text(f"Created {TASKS} tasks", timeout=60_000)
    expect(page.locator("#pool-status")).to_have_text("OPEN")
    shots(page, "journey-pool-open")


IMAGE_NAME = re.compile(r"/img/(cat|dog)-(\d+)\.png$")


def do_one_suite(page: Page, answers: dict[int, str], wrong: set[int]) -> bool:
    """Answer the suite on screen as a person would, looking at each picture in turn: a digit per
    task (the page moves to the next task by itself), then Enter. False once the page has gone back
    to /work because the pool has nothing more for this performer. `answers` collects task number
    → answer given."""
    current = page.locator("article.suite-task[aria-current]")
    current.wait_for()
    for _ in range(page.locator("article.suite-task").count()):
        shown = IMAGE_NAME.search(current.locator("img").get_attribute("src") or "")
        assert shown, "every task shows its picture"
        number = int(shown.group(2))
        truth = shown.group(1)
        given = ("dog" if truth == "cat" else "cat") if number in wrong else truth
        page.keyboard.press("1" if given == "cat" else "2")
        answers[number] = given
    before = page.url
    page.keyboard.press("Enter")
    # Polls the address: waiting for a "load" event can miss a navigation that committed early.
    expect(page).not_to_have_url(before)
    return "/work/assignments/" in page.url


@pytest.mark.slow
def test_work_loop_in_the_browser(browser: Browser, web_server: WebServer, media: MediaServer,
                                  screenshots: Screenshots, tmp_path: Path) -> None:
    errors: list[str] = []
    requester_context = new_context(browser, errors)
    requester = requester_context.new_page()
    sign_in(requester, web_server)
    create_project(requester, screenshots)
    pool_id = create_pool(requester, screenshots)
    upload_and_open(requester, screenshots, task_file(tmp_path, media))

    performers = [create_performer(web_server, f"keyboard performer {n}") for n in (1, 2)]
    pages = []
    for performer in performers:
        context = new_context(browser, errors)
        page = context.new_page()
        sign_in_performer(page, web_server, performer)
        offer = page.get_by_role("listitem").filter(has_text=PROJECT)
        offer.get_by_role("button", name="Take a suite").focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/work/assignments/[^/?]+$"))
        pages.append(page)
    screenshots(pages[0], "journey-suite")

    answered: list[dict[int, str]] = [{}, {}]
    working = [True, True]
    while any(working):
        for who, page in enumerate(pages):
            if working[who]:
                working[who] = do_one_suite(page, answered[who], wrong={3} if who == 0 else set())
    for answers in answered:
        assert sorted(answers) == list(range(TASKS))
    expect(pages[0].get_by_text("nothing more", exact=False)).to_be_visible()
    screenshots(pages[0], "journey-performer-done")

    expect(requester.locator("#completion-text")).to_have_text("100% of the answers the pool needs are in")
    expect(requester.locator("#pool-status")).to_have_text("CLOSED")
    expect(requester.locator("#pool-close-reason")).to_have_text("Completed: every task has all its answers")
    screenshots(requester, "journey-pool-complete")

    requester.get_by_role("link", name="Review assignments").click()
    expect(requester).to_have_url(re.compile(rf"/pools/{pool_id}/assignments$"))
    with web_server.api() as api:
        listed = api.get("/assignments", params={"pool_id": pool_id, "limit": 100, "sort": "id"}).json()["items"]
    assert len(listed) == TASKS * OVERLAP // SUITE
    wrong_suite = next(item for item in listed if item["user_id"] == performers[0].id
                       and any(task["input_values"]["number"] == 3 for task in item["tasks"]))
    row = requester.locator(f'tr[data-id="{wrong_suite["id"]}"]')
    expect(row).to_contain_text("dog-3")
    row.get_by_role("button", name=re.compile("^Reject")).click()
    row.get_by_label(re.compile("^Why reject assignment")).fill(REJECT_COMMENT)
    row.get_by_role("button", name=re.compile("^Confirm rejection")).click()
    expect(row).to_contain_text("REJECTED")
    expect(row).to_contain_text(REJECT_COMMENT)
    requester.get_by_label("Select all on this page").check()
    requester.get_by_role("button", name="Accept selected").click()
    expect(requester.locator("#bulk-summary")).to_contain_text(f"Accepted {len(listed) - 1} of {len(listed) - 1}")
    screenshots(requester, "journey-reviewed")

    with web_server.api() as api:
        reviewed = api.get("/assignments", params={"pool_id": pool_id, "limit": 100}).json()["items"]
    statuses = {item["id"]: item["status"] for item in reviewed}
    assert statuses.pop(wrong_suite["id"]) == "REJECTED"
    assert set(statuses.values()) == {"ACCEPTED"}

    history = pages[0]
    history.goto(web_server.url + "/work/history")
    expect(history.get_by_text(REJECT_COMMENT)).to_be_visible()
    screenshots(history, "journey-history")

    requester.goto(web_server.url + f"/pools/{pool_id}")
    expect(requester.locator("#pool-close-reason")).to_have_text("Completed: every task has all its answers")
    for context in [requester_context, *[page.context for page in pages]]:
        context.close()
    assert not errors, errors
