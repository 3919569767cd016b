"""A requester's way through the page in Chromium: sign in, make a project and a pool with the
forms, upload 10,000 rows of which 20 are invalid, read and download the invalid rows, page
through the tasks, open and close the pool, read the operations, sign out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.conftest import Screenshots, WebServer, need_browser, sign_in

need_browser()

from playwright.sync_api import Page, expect  # after need_browser(): without Playwright, skip

ROWS = 10_000
CLIENT_INVALID = {index for index in range(ROWS) if index % 1000 == 7}
"""Rows whose `count` is not an integer: caught while the browser reads the file."""
SERVER_INVALID = {index for index in range(ROWS) if index % 1000 == 503}
"""Rows whose `image` is not a URL: caught by the server."""
GOLDEN = {index for index in range(ROWS) if index % 50 == 0}


def line_of(index: int) -> int:
    """The file line of data row `index`: the header is line 1."""
    return index + 2


def task_file(folder: Path) -> Path:
    lines = ["INPUT:image\tINPUT:title\tINPUT:count\tGOLDEN:label\tHINT:text"]
    for index in range(ROWS):
        image = "not a url" if index in SERVER_INVALID else f"https://example.com/img/{index}.png"
        count = "many" if index in CLIENT_INVALID else str(index % 100)
        golden, hint = ("cat", "look at the ears") if index in GOLDEN else ("", "")
        lines.append(f"{image}\ttask {index}\t{count}\t{golden}\t{hint}")
    path = folder / "tasks.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fill_field(page: Page, side: str, number: int, name: str, type_: str, *, required: bool = True,
               **constraints: str) -> None:
    field = page.get_by_role("group", name=f"{side} field {number}", exact=True)
    field.get_by_label("Name").fill(name)
    field.get_by_label("Type").select_option(type_)
    if not required:
        field.get_by_label("Required").uncheck()
    for label, value in constraints.items():
        field.get_by_label(label.replace("_", " ").capitalize(), exact=True).fill(value)


def create_project(page: Page, shots: Screenshots) -> None:
    page.get_by_label("Name", exact=True).first.fill("Cats and dogs")
    page.get_by_label("Description").fill("Is it a cat or a dog?")
    fill_field(page, "Input", 1, "image", "url")
    page.get_by_role("button", name="Add input field").click()
    fill_field(page, "Input", 2, "title", "string", required=False, max_length="20")
    page.get_by_role("button", name="Add input field").click()
    fill_field(page, "Input", 3, "count", "integer", required=False, min_value="0", max_value="100")
    fill_field(page, "Output", 1, "label", "string", allowed_values="cat, dog")
    shots(page, "project-form")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Cats and dogs", level=1)).to_be_visible()
    expect(page.locator("#input-spec tbody tr")).to_have_count(3)
    expect(page.locator("#input-spec")).to_contain_text("value 0 to 100")
    expect(page.locator("#output-spec")).to_contain_text("one of cat, dog")


def create_pool(page: Page, shots: Screenshots) -> str:
    page.get_by_label("Name", exact=True).fill("First batch")
    page.get_by_label("Default overlap").fill("3")
    page.get_by_label("Real tasks").fill("4")
    page.get_by_label("Golden tasks").fill("1")
    shots(page, "project-page")
    page.get_by_role("button", name="Create pool").click()
    expect(page.get_by_role("heading", name="First batch", level=1)).to_be_visible()
    expect(page.locator("#pool-status")).to_have_text("CLOSED")
    expect(page.locator("#pool-mixer")).to_have_text("4 / 1 / 0")
    match = re.search(r"/pools/(\d+)$", page.url)
    assert match, page.url
    return match.group(1)


def upload(page: Page, shots: Screenshots, path: Path, tmp_path: Path) -> None:
    page.get_by_label("Task file").set_input_files(str(path))
    expect(page.locator("#file-name")).to_contain_text("tasks.tsv")
    page.get_by_label("Skip invalid rows").check()
    page.get_by_role("button", name="Upload").click()
    summary = page.locator("#upload-summary")
    expect(summary).to_be_visible(timeout=60_000)
    expect(page.locator("#upload-bar")).to_have_attribute("value", "100")
    expect(page.locator("#upload-numbers")).to_contain_text("100%")
    expect(summary).to_contain_text(f"Created 9,980 tasks from {ROWS:,} rows")
    expect(summary).to_contain_text("20 invalid rows were skipped")
    expect(page.locator("#invalid-heading")).to_have_text("Invalid rows (20)")
    shots(page, "upload-done")

    rows = page.locator("#invalid-table tbody tr")
    expect(rows).to_have_count(20)
    shown = {int(line) for line in rows.locator("td:first-child").all_inner_texts()}
    assert shown == {line_of(index) for index in CLIENT_INVALID | SERVER_INVALID}
    table = page.locator("#invalid-table")
    expect(table).to_contain_text("INTEGER_EXPECTED")
    expect(table).to_contain_text("INVALID_URL_SYNTAX")
    expect(table).to_contain_text("INPUT:image")

    with page.expect_download() as started:
        page.get_by_role("link", name="Download invalid rows").click()
    download = started.value
    assert download.suggested_filename == "tasks-invalid-rows.tsv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line\tfield\tcode\tmessage"
    assert {int(line.split("\t")[0]) for line in lines[1:]} == shown
    assert len(lines) == 21


def page_through(page: Page, shots: Screenshots) -> None:
    expect(page.locator("#task-count")).to_have_text("9,980")
    expect(page.locator("#golden-count")).to_have_text("200")
    tasks = page.locator("#tasks-table tbody tr")
    expect(page.locator("#tasks-range")).to_have_text("Page 1: tasks 1 to 50")
    expect(tasks).to_have_count(50)
    first_page_id = tasks.first.locator("td").first.inner_text()
    expect(tasks.first).to_contain_text("https://example.com/img/0.png")
    expect(tasks.first).to_contain_text("yes")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#tasks-range")).to_have_text("Page 2: tasks 51 to 100")
    expect(tasks.first).not_to_contain_text(first_page_id)
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#tasks-range")).to_have_text("Page 3: tasks 101 to 150")
    shots(page, "tasks-page-3")
    page.get_by_role("button", name="Previous").click()
    expect(page.locator("#tasks-range")).to_have_text("Page 2: tasks 51 to 100")
    page.get_by_role("button", name="First page").click()
    expect(page.locator("#tasks-range")).to_have_text("Page 1: tasks 1 to 50")
    expect(tasks.first.locator("td").first).to_have_text(first_page_id)


def open_and_close(page: Page, shots: Screenshots) -> None:
    page.get_by_role("button", name="Open pool").click()
    expect(page.locator("#pool-status")).to_have_text("OPEN")
    expect(page.locator("#pool-message")).to_have_text("The pool is open.")
    expect(page.get_by_role("button", name="Open pool")).to_be_disabled()
    shots(page, "pool-open", full_page=False)
    page.get_by_role("button", name="Close pool").click()
    expect(page.locator("#pool-status")).to_have_text("CLOSED")
    expect(page.get_by_role("button", name="Close pool")).to_be_disabled()


def operations(page: Page, shots: Screenshots) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Operations").click()
    table = page.locator("#operations-table tbody")
    expect(table.locator("tr")).to_have_count(3)
    expect(table.locator("tr").nth(0)).to_contain_text("POOL.CLOSE")
    expect(table.locator("tr").nth(1)).to_contain_text("POOL.OPEN")
    batch = table.locator("tr").nth(2)
    expect(batch).to_contain_text("TASK.BATCH_CREATE")
    expect(batch).to_contain_text("9,990 items, 9,980 created, 10 invalid")
    shots(page, "operations")
    batch.get_by_role("link", name=re.compile("^Log of operation")).click()
    expect(page.locator("#log-summary")).to_contain_text("loads when you ask")
    page.get_by_role("button", name="Show the log").click()
    expect(page.locator("#log-summary")).to_contain_text("TASK_VALIDATE failed: 10")
    expect(page.locator("#log-table tbody tr")).to_have_count(10)
    expect(page.locator("#log-table")).to_contain_text("INVALID_URL_SYNTAX")
    shots(page, "operation-log")


@pytest.mark.slow
def test_requester_journey(page: Page, web_server: WebServer, screenshots: Screenshots, tmp_path: Path) -> None:
    page.goto(web_server.url + "/")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshots(page, "signin")
    sign_in(page, web_server, web_server.journey_token)
    expect(page.locator("#who-name")).to_have_text("journey")

    create_project(page, screenshots)
    pool_id = create_pool(page, screenshots)
    upload(page, screenshots, task_file(tmp_path), tmp_path)
    page_through(page, screenshots)
    open_and_close(page, screenshots)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#tasks-range")).to_have_text("Page 1: tasks 1 to 50")
    screenshots(page, "pool-on-a-phone", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    operations(page, screenshots)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin"))
    expect(page.locator("#page-status")).to_have_text("You are signed out.")
    assert page.evaluate("sessionStorage.length") == 0
    screenshots(page, "signed-out")
    page.goto(f"{web_server.url}/pools/{pool_id}")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Fpools%2F" + pool_id))
