"""Who sees what: a wrong token is refused plainly, another requester's objects are "not found",
and the sign-in works from the keyboard alone with a visible focus."""

from __future__ import annotations

import re

from tests.support.api import make_pool
from tests.web.conftest import Screenshots, WebServer, need_browser, sign_in

need_browser()

from playwright.sync_api import Page, expect  # after need_browser(): without Playwright, skip


def test_a_wrong_token_shows_a_clear_message(page: Page, web_server: WebServer, screenshots: Screenshots) -> None:
    page.goto(web_server.url + "/signin")
    page.get_by_label("API token").fill("not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    error = page.get_by_role("alert")
    expect(error).to_have_text(re.compile(r"^Wrong token: the server does not know this API token"))
    expect(page.get_by_label("API token")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("sessionStorage.length") == 0
    expect(page).to_have_url(web_server.url + "/signin")
    screenshots(page, "wrong-token", full_page=False)


def test_signing_in_by_keyboard_alone(page: Page, web_server: WebServer) -> None:
    page.goto(web_server.url + "/signin?next=%2Foperations")
    expect(page.get_by_label("API token")).to_be_focused()
    page.keyboard.type(web_server.token)
    page.keyboard.press("Enter")
    expect(page).to_have_url(web_server.url + "/operations")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the skip link shows when focused"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Talaka")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_sign_in_only_goes_on_to_this_site(page: Page, web_server: WebServer) -> None:
    page.goto(web_server.url + "/signin?next=%2F%2Fexample.com%2F")
    page.get_by_label("API token").fill(web_server.token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(web_server.url + "/")


def test_another_requesters_pool_is_not_found(page: Page, web_server: WebServer, screenshots: Screenshots) -> None:
    with web_server.api(web_server.other_token) as theirs:
        pool_id = make_pool(theirs)
        project_id = theirs.get(f"/pools/{pool_id}").json()["project_id"]
    sign_in(page, web_server)
    page.goto(f"{web_server.url}/pools/{pool_id}")
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
    expect(page.locator("#not-found-message")).to_have_text(
        f"There is no pool with id {pool_id} among yours. It may have been mistyped, or it belongs to someone else.")
    expect(page.locator("#content")).to_be_hidden()
    screenshots(page, "not-found", full_page=False)

    page.goto(f"{web_server.url}/projects/{project_id}")
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
    page.goto(f"{web_server.url}/pools/no-such-pool")
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
    page.goto(f"{web_server.url}/operations/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_role("heading", name="Not found", level=1)).to_be_visible()
