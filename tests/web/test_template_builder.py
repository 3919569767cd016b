"""Template Builder configs drawn by task-view.js on the preview page, in Chromium.

Each test makes a project through the API whose interface uses some components, a pool with a
task or two (media from the test's own server on another origin), opens
`/projects/{id}/preview`, looks at what a person sees, answers with the mouse and the keyboard,
and reads the `output_values` that "Check answers" says a submit would send.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tests.support.api import wait_operation
from tests.web.conftest import Screenshots, Watched, WebServer, assert_accessible, need_browser, sign_in
from tests.web.media import MediaServer

need_browser()

from playwright.sync_api import Page, expect  # after need_browser(): without Playwright, skip

POOL = {"private_name": "sample", "may_contain_adult_content": False, "will_expire": "2035-01-01T12:00:00",
        "reward_per_assignment": 0.01, "assignment_max_duration_seconds": 600,
        "defaults": {"default_overlap_for_new_tasks": 1},
        "mixer_config": {"real_tasks_count": 1, "golden_tasks_count": 0, "training_tasks_count": 0}}


def out(path: str, **extra: Any) -> dict[str, Any]:
    return {"type": "data.output", "path": path, **extra}


def given(path: str) -> dict[str, Any]:
    return {"type": "data.input", "path": path}


def make_project(server: WebServer, *, outputs: dict[str, Any], inputs: dict[str, Any] | None = None,
                 config: dict[str, Any] | None = None, view_spec: dict[str, Any] | None = None,
                 tasks: Sequence[dict[str, Any]] = (), instructions: str | None = None) -> str:
    """A project (its view a TB config, or `view_spec` as given) and one pool holding `tasks`."""
    spec: dict[str, Any] = {"input_spec": inputs or {}, "output_spec": outputs}
    if config is not None:
        spec["view_spec"] = {"type": "tb", "config": json.dumps(config), "lock": {"core": "1.0.0"}}
    elif view_spec is not None:
        spec["view_spec"] = view_spec
    body: dict[str, Any] = {"public_name": "Preview test", "public_description": "d", "task_spec": spec}
    if instructions:
        body["public_instructions"] = instructions
    with server.api() as api:
        project = api.post("/projects", json=body)
        assert project.status_code == 201, project.text
        project_id = str(project.json()["id"])
        if tasks:
            pool = api.post("/pools", json={**POOL, "project_id": project_id})
            assert pool.status_code == 201, pool.text
            created = api.post("/tasks", params={"allow_defaults": "true"},
                               json=[{"pool_id": pool.json()["id"], "input_values": values} for values in tasks])
            assert created.status_code == 202, created.text
            assert wait_operation(api, created.json()["id"])["status"] == "SUCCESS"
    return project_id


def open_preview(page: Page, server: WebServer, project_id: str) -> None:
    sign_in(page, server)
    page.goto(f"{server.url}/projects/{project_id}/preview")
    page.locator("#content:not([hidden])").wait_for()


def check_answers(page: Page) -> list[dict[str, Any]] | None:
    """Click "Check answers": the list a submit would send, or None when an answer is invalid."""
    page.get_by_role("button", name="Check answers").click()
    status = page.locator("#check-status")
    expect(status).not_to_be_empty()
    text = page.locator("#preview-output").text_content() or ""
    if "error" in (status.get_attribute("class") or ""):
        assert text == ""
        return None
    result: list[dict[str, Any]] = json.loads(text)
    return result


def task(page: Page, number: int) -> Any:
    return page.get_by_role("region", name=f"Task {number}", exact=True)


# -------------------------------------------------------------------- image, buttons and hotkeys

IMAGE_CONFIG = {
    "view": {"type": "view.list", "items": [
        {"type": "view.image", "url": given("image"), "ratio": [1, 1], "label": "Photo", "rotatable": True},
        {"type": "field.button-radio-group", "label": "Who is it?", "data": out("result"),
         "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"},
                     {"value": "other", "label": "Other"}],
         "validation": {"type": "condition.required", "hint": "Choose one of the options"}}]},
    "plugins": [{"type": "plugin.toloka", "layout": {"kind": "scroll", "taskWidth": 500}},
                {"type": "plugin.hotkeys",
                 "1": {"type": "action.set", "data": out("result"), "payload": "cat"},
                 "2": {"type": "action.set", "data": out("result"), "payload": "dog"}}]}


def test_image_button_radio_group_and_hotkeys(sqlite_web_server: WebServer, media: MediaServer, page: Page,
                                              screenshots: Screenshots) -> None:
    project_id = make_project(sqlite_web_server, inputs={"image": {"type": "url"}},
                              outputs={"result": {"type": "string", "allowed_values": ["cat", "dog", "other"]}},
                              config=IMAGE_CONFIG, tasks=[{"image": media.image("a")}, {"image": media.image("b")}])
    open_preview(page, sqlite_web_server, project_id)
    expect(page.locator("#sample-note")).to_have_text("2 tasks from sample.")
    first, second = task(page, 1), task(page, 2)
    expect(first.get_by_role("img", name="Photo")).to_have_attribute("src", media.image("a"))
    expect(second.get_by_role("img", name="Photo")).to_have_attribute("src", media.image("b"))
    page.wait_for_function("[...document.images].every((image) => image.complete && image.naturalWidth === 64)")
    assert page.locator(".preview-task").first.evaluate("e => e.style.maxWidth") == "500px"
    # The hotkeys show on the buttons they press; "Other" has none.
    expect(first.get_by_role("radio", name="Cat", exact=True)).to_have_attribute("aria-keyshortcuts", "1")
    expect(first.locator("label", has_text="Dog").locator("kbd")).to_have_text("2")
    expect(first.locator("label", has_text="Other").locator("kbd")).to_have_count(0)

    assert check_answers(page) is None
    expect(first.get_by_text("Choose one of the options")).to_be_visible()
    group = first.get_by_role("radiogroup", name="Who is it?")
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(first.get_by_role("radio", name="Cat", exact=True)).to_be_focused()

    page.keyboard.press("2")  # the focus is in task 1
    expect(first.get_by_role("radio", name="Dog", exact=True)).to_be_checked()
    expect(first.get_by_text("Choose one of the options")).to_be_hidden()
    expect(group).not_to_have_attribute("aria-invalid", "true")
    second.get_by_text("Other").click()
    page.keyboard.press("1")
    expect(second.get_by_role("radio", name="Cat", exact=True)).to_be_checked()
    page.keyboard.press("x")  # bound to nothing: nothing changes
    first.get_by_role("button", name="Rotate image").click()
    assert "rotate(90deg)" in first.get_by_role("img", name="Photo").evaluate("e => e.style.transform")
    screenshots(page, "preview-image-buttons")
    assert check_answers(page) == [{"output_values": {"result": "dog"}}, {"output_values": {"result": "cat"}}]


# ------------------------------------------------------------------------------------------ views

VIEWS_CONFIG = {
    "vars": {"help": "https://example.com/help"},
    "view": {"type": "view.list", "items": [
        {"type": "view.text", "label": "Query", "content": given("query")},
        {"type": "view.markdown", "content": "## Rules\n\nPick **one** answer, *quickly*. See [the guide]"
                                             "(https://example.com/guide).\n\n- fast\n- kind\n\n`<script>x</script>`"},
        {"type": "view.link", "url": {"$ref": "vars.help"}, "content": "Help page"},
        {"type": "view.link-group", "links": [{"url": "https://example.com/a", "content": "First"},
                                              {"url": "javascript:alert(1)", "content": "Sneaky"}]},
        {"type": "view.alert", "theme": "warning", "content": "Careful: some photos are blurry."},
        {"type": "view.group", "label": "Media", "content": {
            "type": "view.list", "direction": "horizontal", "size": "s", "items": [
                {"type": "view.audio", "label": "Recording", "url": given("sound")},
                {"type": "view.video", "label": "Clip", "url": given("sound"), "ratio": [16, 9]},
                {"type": "view.iframe", "label": "Page", "url": given("page"), "ratio": [4, 3]}]}},
        {"type": "view.image", "url": given("picture"), "noBorder": True, "maxWidth": 120},
        {"type": "view.action-button", "label": "Mark as spam",
         "action": {"type": "action.set", "data": out("spam"), "payload": True}}]}}


def test_views(sqlite_web_server: WebServer, media: MediaServer, page: Page, screenshots: Screenshots) -> None:
    project_id = make_project(
        sqlite_web_server, outputs={"spam": {"type": "boolean", "required": False}},
        inputs={"query": {"type": "string"}, "sound": {"type": "url"}, "page": {"type": "url"},
                "picture": {"type": "url"}},
        config=VIEWS_CONFIG, tasks=[{"query": "cheap flights\nto Minsk", "sound": media.audio("s"),
                                     "page": media.frame("p"), "picture": media.image("pic")}])
    open_preview(page, sqlite_web_server, project_id)
    one = task(page, 1)
    expect(one.get_by_role("group", name="Query")).to_contain_text("cheap flights\nto Minsk")
    markdown = one.locator(".tb-markdown")
    expect(markdown.get_by_role("heading", name="Rules", level=2)).to_be_visible()
    expect(markdown.locator("strong")).to_have_text("one")
    expect(markdown.locator("em")).to_have_text("quickly")
    expect(markdown.get_by_role("link", name="the guide")).to_have_attribute("href", "https://example.com/guide")
    expect(markdown.get_by_role("listitem")).to_have_text(["fast", "kind"])
    expect(markdown.locator("code")).to_have_text("<script>x</script>")
    expect(markdown.locator("script")).to_have_count(0)
    help_link = one.get_by_role("link", name="Help page")
    expect(help_link).to_have_attribute("href", "https://example.com/help")
    expect(help_link).to_have_attribute("target", "_blank")
    expect(one.get_by_role("link", name="First")).to_have_attribute("href", "https://example.com/a")
    expect(one.get_by_role("link", name="Sneaky")).to_have_count(0)  # a javascript: URL is no link
    expect(one.get_by_text("Sneaky")).to_be_visible()
    alert = one.get_by_role("note").filter(has_text="Careful")
    expect(alert).to_have_text("Careful: some photos are blurry.")
    expect(alert).to_have_class("tb-alert tb-theme-warning")
    media_group = one.get_by_role("group", name="Media")
    expect(media_group.locator("audio[aria-label=Recording]")).to_have_attribute("src", media.audio("s"))
    expect(media_group.locator("video[aria-label=Clip]")).to_have_attribute("src", media.audio("s"))
    frame = media_group.locator("iframe[title=Page]")
    expect(frame).to_have_attribute("src", media.frame("p"))
    expect(page.frame_locator("iframe[title=Page]").get_by_text("Frame p")).to_be_visible()
    picture = one.get_by_role("img", name="Task image")
    expect(picture).to_have_attribute("src", media.image("pic"))
    assert picture.evaluate("e => e.parentElement.style.maxWidth") == "120px"
    assert check_answers(page) == [{"output_values": {}}]
    one.get_by_role("button", name="Mark as spam").click()
    assert check_answers(page) == [{"output_values": {"spam": True}}]
    assert_accessible(page, "the preview of every view")
    screenshots(page, "preview-views")


# ----------------------------------------------------------------------------------------- fields

FIELDS_CONFIG = {"view": {"type": "view.list", "items": [
    {"type": "field.radio-group", "label": "Sentiment", "data": out("sentiment"),
     "options": [{"value": "pos", "label": "Positive", "hint": "Happy words"}, {"value": "neg", "label": "Negative"}]},
    {"type": "field.checkbox", "label": "Contains spam", "data": out("spam"), "preserveFalse": True},
    {"type": "field.checkbox-group", "label": "Topics", "data": out("topics"),
     "options": [{"value": "sport", "label": "Sport"}, {"value": "news", "label": "News"},
                 {"value": "art", "label": "Art"}]},
    {"type": "field.text", "label": "Title", "hint": "A few words", "data": out("meta.title"),
     "placeholder": "A short title"},
    {"type": "field.textarea", "label": "Comment", "data": out("comment"), "rows": 3},
    {"type": "field.select", "label": "Language", "data": out("language"), "placeholder": "Pick a language",
     "options": [{"value": "en", "label": "English"}, {"value": "be", "label": "Belarusian"}]},
    {"type": "field.number", "label": "Rating", "data": out("rating"), "minimum": 1, "maximum": 5}]}}
FIELDS_OUTPUT = {"sentiment": {"type": "string", "allowed_values": ["pos", "neg"]}, "spam": {"type": "boolean"},
                 "topics": {"type": "json"}, "meta": {"type": "json"},
                 "comment": {"type": "string", "required": False, "min_length": 5},
                 "language": {"type": "string"}, "rating": {"type": "integer"}}


def test_fields(sqlite_web_server: WebServer, page: Page, screenshots: Screenshots) -> None:
    project_id = make_project(sqlite_web_server, outputs=FIELDS_OUTPUT, config=FIELDS_CONFIG, tasks=[{}])
    open_preview(page, sqlite_web_server, project_id)
    one = task(page, 1)
    expect(one.get_by_role("radiogroup", name="Sentiment")).to_be_visible()
    positive = one.get_by_role("radio", name="Positive")
    expect(positive).to_have_accessible_description("Happy words")
    positive.click()
    spam = one.get_by_role("checkbox", name="Contains spam")
    spam.check()
    spam.uncheck()  # preserveFalse: a cleared box is false, not absent
    topics = one.get_by_role("group", name="Topics")
    topics.get_by_role("checkbox", name="Sport").check()
    topics.get_by_role("checkbox", name="Art").check()
    topics.get_by_role("checkbox", name="Art").uncheck()
    title = one.get_by_role("textbox", name="Title")
    expect(title).to_have_attribute("placeholder", "A short title")
    expect(title).to_have_accessible_description("A few words")
    title.fill("Hello")
    comment = one.get_by_role("textbox", name="Comment")
    comment.fill("Nice")
    one.get_by_role("combobox", name="Language").select_option(label="Belarusian")
    rating = one.get_by_role("spinbutton", name="Rating")
    rating.fill("7")

    assert check_answers(page) is None
    expect(one.get_by_text("Enter a number from 1 to 5.")).to_be_visible()
    expect(rating).to_have_attribute("aria-invalid", "true")
    expect(rating).to_have_accessible_description("Enter a number from 1 to 5.")
    expect(comment).to_have_accessible_description("Enter at least 5 characters.")
    expect(comment).to_be_focused()  # the first invalid control, in page order
    screenshots(page, "preview-fields-invalid")
    comment.fill("Nice one")
    rating.fill("4")
    expect(rating).not_to_have_attribute("aria-invalid", "true")
    assert check_answers(page) == [{"output_values": {
        "sentiment": "pos", "spam": False, "topics": {"sport": True}, "meta": {"title": "Hello"},
        "comment": "Nice one", "language": "be", "rating": 4}}]
    assert_accessible(page, "the preview of every field")


# -------------------------------------------------------------- conditions, helpers, vars, actions

CONDITIONS_CONFIG = {
    "vars": {"other": {"type": "field.text", "label": "Which animal?", "data": out("other"),
                       "validation": {"type": "condition.schema", "hint": "Lower-case letters only",
                                      "schema": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 10}}}},
    "view": {"type": "view.list", "items": [
        {"type": "view.text", "label": "Greeting", "content": {
            "type": "helper.join", "by": " from ", "items": [
                {"type": "helper.text-transform", "data": given("name"), "transformation": "uppercase"},
                {"type": "helper.replace", "data": given("place"), "find": "_", "replace": " "}]}},
        {"type": "field.radio-group", "label": "Animal", "data": out("animal"),
         "validation": {"type": "condition.required", "hint": "Pick an animal first"},
         "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"},
                     {"value": "other", "label": "Something else"}]},
        {"type": "helper.if", "condition": {"type": "condition.equals", "data": out("animal"), "to": "other"},
         "then": {"$ref": "vars.other"}},
        {"type": "view.text", "label": "Says", "content": {
            "type": "helper.switch", "default": "Nothing yet",
            "cases": [{"condition": {"type": "condition.equals", "data": out("animal"), "to": "cat"},
                       "result": "Meow"},
                      {"condition": {"type": "condition.all", "conditions": [
                          {"type": "condition.not", "condition": {"type": "condition.empty", "data": out("animal")}},
                          {"type": "condition.equals", "data": out("animal"), "to": "dog"}]},
                       "result": "Woof"}]}},
        {"type": "field.text", "data": out("nick"), "label": {
            "type": "helper.if", "condition": {"type": "condition.empty"}, "then": "Nickname",
            "else": "Nickname (thank you)"}},
        {"type": "field.checkbox", "label": "Sure", "data": out("sure", default=True), "preserveFalse": True},
        {"type": "field.textarea", "label": "Why not sure?", "data": out("why"),
         "validation": {"type": "condition.any", "hint": "Say why you are not sure", "conditions": [
             {"type": "condition.equals", "data": out("sure"), "to": True},
             {"type": "condition.not", "condition": {"type": "condition.empty"}}]}}]},
    "plugins": [{"type": "plugin.hotkeys",
                 "s": {"type": "action.toggle", "data": out("sure")},
                 "o": {"type": "action.bulk", "payload": [
                     {"type": "action.set", "data": out("animal"), "payload": "other"},
                     {"type": "action.notify", "payload": {"content": "Now say which", "theme": "info"}}]}}]}
CONDITIONS_OUTPUT = {"animal": {"type": "string"}, "other": {"type": "string", "required": False},
                     "sure": {"type": "boolean"}, "why": {"type": "string", "required": False},
                     "nick": {"type": "string", "required": False}}


def test_conditions_helpers_and_actions(sqlite_web_server: WebServer, page: Page) -> None:
    project_id = make_project(sqlite_web_server, outputs=CONDITIONS_OUTPUT, config=CONDITIONS_CONFIG,
                              inputs={"name": {"type": "string"}, "place": {"type": "string"}},
                              tasks=[{"name": "Murka", "place": "Minsk_city"}])
    open_preview(page, sqlite_web_server, project_id)
    one = task(page, 1)
    expect(one.get_by_role("group", name="Greeting")).to_contain_text("MURKA from Minsk city")
    says = one.get_by_role("group", name="Says")
    expect(says).to_contain_text("Nothing yet")
    expect(one.get_by_role("checkbox", name="Sure")).to_be_checked()  # data.output default
    expect(one.get_by_role("textbox", name="Which animal?")).to_have_count(0)

    assert check_answers(page) is None
    expect(one.get_by_text("Pick an animal first")).to_be_visible()
    one.get_by_role("radio", name="Cat").check()
    expect(says).to_contain_text("Meow")
    one.get_by_role("radio", name="Dog").check()
    expect(says).to_contain_text("Woof")
    page.keyboard.press("o")  # the focus is on "Dog"
    expect(one.get_by_role("radio", name="Something else")).to_be_checked()
    expect(one.get_by_role("status")).to_have_text("Now say which")
    expect(says).to_contain_text("Nothing yet")
    which = one.get_by_role("textbox", name="Which animal?")
    which.click()
    page.keyboard.type("Fox1")  # typed into the field: no hotkey fires, and the field keeps the focus
    expect(which).to_be_focused()
    expect(which).to_have_value("Fox1")
    one.get_by_role("radio", name="Something else").focus()
    page.keyboard.press("s")
    expect(one.get_by_role("checkbox", name="Sure")).not_to_be_checked()

    assert check_answers(page) is None
    expect(which).to_have_accessible_description("Lower-case letters only")
    why = one.get_by_role("textbox", name="Why not sure?")
    expect(why).to_have_accessible_description("Say why you are not sure")
    expect(which).to_be_focused()
    which.fill("fox")
    why.fill("blurry")
    one.get_by_role("textbox", name="Nickname", exact=True).click()
    page.keyboard.type("Rex")  # the label follows the answer: redrawn under the caret, the focus stays
    nickname = one.get_by_role("textbox", name="Nickname (thank you)")
    expect(nickname).to_be_focused()
    expect(nickname).to_have_value("Rex")
    assert check_answers(page) == [{"output_values": {"animal": "other", "other": "fox", "sure": False,
                                                      "why": "blurry", "nick": "Rex"}}]
    one.get_by_role("radio", name="Cat").check()  # the field goes; what it wrote stays
    expect(one.get_by_role("textbox", name="Which animal?")).to_have_count(0)
    assert check_answers(page) == [{"output_values": {"animal": "cat", "other": "fox", "sure": False,
                                                      "why": "blurry", "nick": "Rex"}}]


# ---------------------------------------------------------------------------------------- layouts

LAYOUT_CONFIG = {
    "vars": {"left": {"type": "view.image", "url": given("left"), "label": "Left photo"}},
    "plugins": [{"type": "plugin.hotkeys",
                 "r": {"type": "action.rotate", "view": {"$ref": "vars.left"}, "payload": "left"}}],
    "view": {"type": "view.list", "items": [
        {"type": "layout.sidebar", "controlsWidth": 250, "minWidth": 500,
         "content": {"type": "layout.columns", "ratio": [2, 1], "items": [
             {"type": "view.text", "content": "Left column"}, {"type": "view.text", "content": "Right column"}]},
         "controls": {"type": "field.button-radio-group", "label": "Same?", "data": out("same"),
                      "options": [{"value": True, "label": "Yes"}, {"value": False, "label": "No"}]},
         "extraControls": {"type": "view.text", "content": "Extra help"}},
        {"type": "layout.side-by-side", "minItemWidth": 200,
         "items": [{"$ref": "vars.left"},
                   {"type": "view.image", "url": given("right"), "label": "Right photo"}],
         "controls": {"type": "field.select", "label": "Better", "data": out("better"),
                      "options": [{"value": 1, "label": "Left"}, {"value": 2, "label": "Right"}]}}]}}


def test_layouts(sqlite_web_server: WebServer, media: MediaServer, page: Page, screenshots: Screenshots) -> None:
    project_id = make_project(sqlite_web_server, config=LAYOUT_CONFIG,
                              outputs={"same": {"type": "boolean"}, "better": {"type": "integer"}},
                              inputs={"left": {"type": "url"}, "right": {"type": "url"}},
                              tasks=[{"left": media.image("l"), "right": media.image("r")}])
    open_preview(page, sqlite_web_server, project_id)
    one = task(page, 1)
    left, right = one.get_by_text("Left column").bounding_box(), one.get_by_text("Right column").bounding_box()
    controls = one.get_by_role("radiogroup", name="Same?").bounding_box()
    photos = one.get_by_role("img", name="Left photo").bounding_box(), one.get_by_role("img", name="Right photo").bounding_box()
    assert left and right and controls and photos[0] and photos[1]
    assert right["x"] > left["x"] + left["width"] * 0.9 and abs(right["y"] - left["y"]) < 5
    assert controls["x"] > right["x"] and controls["y"] < right["y"] + 50
    assert photos[1]["x"] > photos[0]["x"] and abs(photos[1]["y"] - photos[0]["y"]) < 5
    one.get_by_text("Yes").click()
    page.keyboard.press("r")
    assert one.get_by_role("img", name="Left photo").evaluate("e => e.style.transform") == "rotate(270deg)"
    one.get_by_role("combobox", name="Better").select_option(label="Right")
    assert check_answers(page) == [{"output_values": {"same": True, "better": 2}}]
    page.set_viewport_size({"width": 360, "height": 800})
    expect(one.locator(".tb-sidebar")).to_have_class("tb-sidebar tb-stacked")
    stacked = one.get_by_role("radiogroup", name="Same?").bounding_box()
    right = one.get_by_text("Right column").bounding_box()
    assert stacked and right and stacked["y"] > right["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshots(page, "preview-layouts-360px")


# ------------------------------------------------------------------------------- the generated form

def test_generated_form_for_a_classic_view(sqlite_web_server: WebServer, media: MediaServer, page: Page) -> None:
    project_id = make_project(
        sqlite_web_server, view_spec={"type": "classic", "markup": "{{img src=image}}", "script": "", "styles": ""},
        inputs={"image": {"type": "url"}, "title": {"type": "string"}, "secret": {"type": "string", "hidden": True}},
        outputs={"label": {"type": "string", "allowed_values": ["cat", "dog"]}, "ok": {"type": "boolean"},
                 "count": {"type": "integer", "max_value": 10}, "note": {"type": "string", "required": False},
                 "mood": {"type": "string", "allowed_values": ["calm", "busy"], "required": False}},
        tasks=[{"image": media.image("c"), "title": "A <b>cat</b>?", "secret": "golden"}])
    open_preview(page, sqlite_web_server, project_id)
    expect(page.get_by_role("note")).to_have_text(
        "This project's interface is a classic (HTML) one, which this page does not draw, "
        "so a plain form built from the output fields is shown.")
    one = task(page, 1)
    expect(one.get_by_role("link", name=media.image("c"))).to_have_attribute("href", media.image("c"))
    expect(one.get_by_text("A <b>cat</b>?")).to_be_visible()
    expect(one.get_by_text("golden")).to_have_count(0)
    assert check_answers(page) is None
    label = one.get_by_role("radiogroup", name="label")
    expect(label).to_have_attribute("aria-invalid", "true")
    expect(label).to_have_accessible_description("This answer is required.")
    expect(one.get_by_role("radio", name="cat")).to_be_focused()
    page.keyboard.press("2")
    expect(one.get_by_role("radio", name="dog")).to_be_checked()
    one.get_by_role("radio", name="calm").focus()
    page.keyboard.press("1")  # the keys answer the group holding the focus
    expect(one.get_by_role("radio", name="calm")).to_be_checked()
    expect(one.get_by_role("radio", name="dog")).to_be_checked()
    count = one.get_by_role("spinbutton", name="count")
    count.press_sequentially("1e")  # no number yet, and not nothing either
    assert check_answers(page) is None
    expect(count).to_have_accessible_description("Enter a number.")
    count.fill("11")
    assert check_answers(page) is None
    expect(count).to_have_accessible_description("Enter at most 10.")
    count.fill("3")
    one.get_by_role("checkbox", name="ok").check()
    assert check_answers(page) == [{"output_values": {"label": "dog", "ok": True, "count": 3, "mood": "calm"}}]
    assert_accessible(page, "the generated form")


def test_generated_form_for_what_cannot_be_drawn(sqlite_web_server: WebServer, page: Page) -> None:
    outputs = {"label": {"type": "string"}}
    beyond = make_project(sqlite_web_server, outputs=outputs, tasks=[{}], config={"view": {
        "type": "view.list", "items": [{"type": "view.map", "center": "0,0"}, {"type": "view.divider"}]}})
    broken = make_project(sqlite_web_server, outputs=outputs, view_spec={"type": "tb", "config": "{not json", "lock": {}})
    none = make_project(sqlite_web_server, outputs=outputs)
    open_preview(page, sqlite_web_server, beyond)
    expect(page.get_by_role("note")).to_have_text(
        "This project's interface uses view.map and view.divider, which this page cannot draw yet, "
        "so a plain form built from the output fields is shown.")
    task(page, 1).get_by_role("textbox", name="label").fill("anything")
    assert check_answers(page) == [{"output_values": {"label": "anything"}}]
    page.goto(f"{sqlite_web_server.url}/projects/{broken}/preview")
    expect(page.get_by_role("note")).to_contain_text("could not be read (its configuration is not valid JSON)")
    page.goto(f"{sqlite_web_server.url}/projects/{none}/preview")
    expect(page.get_by_role("note")).to_contain_text("This project has no interface of its own")
    expect(page.locator("#sample-note")).to_have_text(
        "The project has no pools yet, so the interface is drawn once with empty inputs.")
    expect(task(page, 1).get_by_role("textbox", name="label")).to_be_visible()


# ----------------------------------------------------------------------- instructions, form, empty

def test_instructions_are_sanitized(sqlite_web_server: WebServer, media: MediaServer, watched: Watched) -> None:
    page = watched.page
    instructions = (f'<p onclick="alert(1)">Read <b>this</b>. <a href="javascript:alert(2)">bad</a> '
                    f'<a href="https://example.com/x">good</a></p><img src="{media.image("i")}" alt="Example" '
                    f'onerror="alert(3)"><script>alert(4)</script><table><tr><td>cell</td></tr></table>')
    project_id = make_project(sqlite_web_server, outputs={"result": {"type": "string"}}, config=IMAGE_CONFIG,
                              instructions=instructions)
    open_preview(page, sqlite_web_server, project_id)
    expect(page.locator("#sample-note")).to_have_text(
        "The project has no pools yet, so the interface is drawn once with empty inputs.")
    expect(task(page, 1).get_by_text("No image: the task gives no web address for it.")).to_be_visible()
    page.get_by_text("Instructions", exact=True).click()
    box = page.locator("#instructions")
    expect(box.locator("b")).to_have_text("this")
    expect(box.get_by_role("img", name="Example")).to_have_attribute("src", media.image("i"))
    expect(box.get_by_role("link", name="good")).to_have_attribute("target", "_blank")
    expect(box.get_by_role("cell", name="cell")).to_be_visible()
    expect(box.get_by_text("bad")).not_to_have_attribute("href", "javascript:alert(2)")
    assert box.evaluate("e => e.querySelectorAll('script, [onclick], [onerror]').length") == 0
    # Chromium reports each event-handler attribute to the Content-Security-Policy as the HTML is
    # parsed, before the sanitizer drops it: refused twice over, and never run.
    blocked = [error for error in watched.errors if "Executing inline event handler violates" in error]
    assert blocked
    watched.errors[:] = [error for error in watched.errors if error not in blocked]


def test_project_form_takes_a_pasted_config(sqlite_web_server: WebServer, page: Page) -> None:
    sign_in(page, sqlite_web_server)
    page.get_by_label("Name", exact=True).first.fill("Pasted interface")
    page.get_by_label("Description").fill("d")
    page.get_by_label("Instructions").fill("<p>Press <b>1</b> for a cat.</p>")
    field = page.get_by_role("group", name="Input field 1", exact=True)
    field.get_by_label("Name").fill("image")
    field.get_by_label("Type").select_option("url")
    field = page.get_by_role("group", name="Output field 1", exact=True)
    field.get_by_label("Name").fill("result")
    field.get_by_label("Allowed values").fill("cat, dog, other")
    interface = page.get_by_label("Interface (Template Builder config, JSON)")
    interface.fill('{"view": {"type": "view.list",}')
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("alert")).to_contain_text("Interface: this is not valid JSON")
    expect(interface).to_have_attribute("aria-invalid", "true")
    interface.fill('{"plugins": []}')
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("alert")).to_contain_text('Interface: the config needs a "view"')
    text = json.dumps(IMAGE_CONFIG, indent=2)
    interface.fill(text)
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url(f"{sqlite_web_server.url}/projects/*")
    project_id = page.url.rsplit("/", 1)[1]
    with sqlite_web_server.api() as api:
        project = api.get(f"/projects/{project_id}").json()
    assert project["public_instructions"] == "<p>Press <b>1</b> for a cat.</p>"
    assert project["task_spec"]["view_spec"] == {"type": "tb", "config": text, "lock": dict.fromkeys(
        ["core", "action.set", "condition.required", "field.button-radio-group", "plugin.hotkeys", "plugin.toloka",
         "view.image", "view.list"], "1.0.0")}
    page.goto(f"{sqlite_web_server.url}/projects/{project_id}/preview")
    expect(task(page, 1).get_by_role("radiogroup", name="Who is it?")).to_be_visible()
    expect(page.get_by_role("note")).to_have_count(0)


# ------------------------------------------------------------- played, link opened, trigger, media keys

MEDIA_CONFIG = {
    "vars": {"recording": {"type": "view.audio", "label": "Recording", "url": given("sound"),
                           "validation": {"type": "condition.all", "hint": "Listen to the whole recording",
                                          "conditions": [{"type": "condition.played"},
                                                         {"type": "condition.played-fully"}]}}},
    "view": {"type": "view.list", "items": [
        {"$ref": "vars.recording"},
        {"type": "view.link", "url": given("page"), "content": "Open the page",
         "validation": {"type": "condition.link-opened", "url": given("page"), "hint": "Open the page first"}},
        {"type": "field.radio-group", "label": "Heard", "data": out("heard"),
         "options": [{"value": "speech", "label": "Speech"}, {"value": "silence", "label": "Silence"}]},
        {"type": "field.checkbox", "label": "Show the transcript", "data": {"type": "data.internal", "path": "open"}},
        {"type": "helper.if", "condition": {"type": "condition.equals", "to": True,
                                            "data": {"type": "data.internal", "path": "open"}},
         "then": {"type": "view.text", "content": "Transcript: (silence)"}}]},
    "plugins": [
        {"type": "plugin.trigger", "onChangeOf": out("heard"),
         "condition": {"type": "condition.equals", "data": out("heard"), "to": "silence"},
         "action": {"type": "action.set", "data": out("comment"), "payload": "nothing to hear"}},
        {"type": "plugin.hotkeys", "p": {"type": "action.play-pause", "view": {"$ref": "vars.recording"}},
         "l": {"type": "action.open-link", "payload": given("help")}}]}


def test_played_link_opened_and_trigger(sqlite_web_server: WebServer, media: MediaServer, page: Page) -> None:
    project_id = make_project(sqlite_web_server, config=MEDIA_CONFIG,
                              inputs={"sound": {"type": "url"}, "page": {"type": "url"}, "help": {"type": "url"}},
                              outputs={"heard": {"type": "string"}, "comment": {"type": "string", "required": False}},
                              tasks=[{"sound": media.audio("quiet"), "page": media.frame("opened"),
                                      "help": media.frame("help")}])
    open_preview(page, sqlite_web_server, project_id)
    one = task(page, 1)
    assert check_answers(page) is None
    expect(one.get_by_text("Listen to the whole recording")).to_be_visible()
    expect(one.get_by_text("Open the page first")).to_be_visible()
    expect(one.get_by_role("radiogroup", name="Heard")).to_have_accessible_description("This answer is required.")
    expect(one.locator("audio")).to_be_focused()
    page.keyboard.press("p")  # plays the recording through to its end (half a second)
    expect(one.get_by_text("Listen to the whole recording")).to_be_hidden()
    with page.expect_popup() as opened:
        one.get_by_role("link", name="Open the page").click()
    assert opened.value.url == media.frame("opened")
    opened.value.close()
    expect(one.get_by_text("Open the page first")).to_be_hidden()
    with page.expect_popup() as helped:
        page.keyboard.press("l")
    assert helped.value.url == media.frame("help")
    helped.value.close()
    one.get_by_role("checkbox", name="Show the transcript").check()  # data.internal: drawn, never sent
    expect(one.get_by_text("Transcript: (silence)")).to_be_visible()
    one.get_by_role("radio", name="Silence").check()
    assert check_answers(page) == [{"output_values": {"heard": "silence", "comment": "nothing to hear"}}]
    one.get_by_role("radio", name="Speech").check()  # the trigger's condition no longer holds: nothing more
    assert check_answers(page) == [{"output_values": {"heard": "speech", "comment": "nothing to hear"}}]


# -------------------------------------------------------------------- the module's API, directly

def test_task_view_api(sqlite_web_server: WebServer, page: Page) -> None:
    """What the performer page relies on: answers shown again, quiet validation, hotkeys that
    say whether they did anything, the suite layout, focus."""
    project_id = make_project(sqlite_web_server, outputs={"result": {"type": "string"}}, config=IMAGE_CONFIG)
    open_preview(page, sqlite_web_server, project_id)
    spec = {"input_spec": {}, "output_spec": {"result": {"type": "string"}},
            "view_spec": {"type": "tb", "config": json.dumps(IMAGE_CONFIG), "lock": {"core": "1.0.0"}}}
    result = page.evaluate("""async (spec) => {
        const { renderTask, suiteLayout } = await import("/static/task-view.js");
        const box = document.createElement("div");
        document.querySelector("main").append(box);
        const view = renderTask(box, { taskSpec: spec, inputValues: {}, outputValues: { result: "dog" }, name: "api" });
        const shown = view.element.querySelector("input:checked")?.labels[0].textContent;
        const before = view.values();
        const quiet = view.validate(false);
        const unbound = view.hotkey("9");
        const bound = view.hotkey("1");
        view.focus();
        const empty = renderTask(box, { taskSpec: spec, inputValues: {}, name: "api-empty" });
        const invalidQuietly = empty.validate(false);
        return { shown, before, quiet, unbound, bound, after: view.values(), root: view.element.id,
                 focused: document.activeElement.id.startsWith("api-"), reason: view.fallbackReason,
                 invalidQuietly, messages: [...empty.element.querySelectorAll(".tb-error:not([hidden])")].length,
                 layout: suiteLayout(spec), none: suiteLayout({ output_spec: {} }) };
    }""", spec)
    assert result == {"shown": "Dog2", "before": {"result": "dog"}, "quiet": True, "unbound": False, "bound": True,
                      "after": {"result": "cat"}, "root": "api", "focused": True, "reason": None,
                      "invalidQuietly": False, "messages": 0,
                      "layout": {"kind": "scroll", "taskWidth": 500}, "none": {"kind": "scroll", "taskWidth": None}}


CHECKS_CONFIG = {
    "vars": {"alone": {"type": "view.text", "content": "One item, not a list"}},
    "view": {"type": "view.list", "items": [
        {"type": "view.list", "items": {"$ref": "vars.alone"}},
        {"type": "view.text", "label": "Constructor", "content": {"$ref": "vars.constructor"}},
        {"type": "field.checkbox", "label": "Sure", "data": out("sure")},
        {"type": "field.checkbox", "label": "Kept", "data": out("kept"), "preserveFalse": True},
        {"type": "field.checkbox-group", "label": "Topics", "data": out("topics"),
         "options": [{"value": "sport", "label": "Sport"}, {"value": "news", "label": "News"}]},
        {"type": "helper.if", "condition": {"type": "condition.equals", "data": out("pick"), "to": "bad"},
         "then": {"type": "action.notify", "payload": {"content": "not a view"}}, "else": {"type": "view.text", "content": "Nothing picked"}},
        {"type": "view.text", "label": "Picked", "content": out("pick")}]},
    "plugins": [{"type": "plugin.hotkeys", "s": {"type": "action.toggle", "data": out("sure")},
                 "k": {"type": "action.toggle", "data": out("kept")},
                 "1": {"type": "action.toggle", "data": out("topics.sport")},
                 "b": {"type": "action.set", "data": out("pick"), "payload": "bad"}}]}


def test_configs_that_must_not_break_the_page(sqlite_web_server: WebServer, page: Page) -> None:
    """A config reaching for an object's prototype, a list that is not one, a part that cannot be
    redrawn, a checkbox ticked by key and by mouse, a group's per-option key, a sanitizer that
    refuses its options: each stays inside its task."""
    page.goto(sqlite_web_server.url + "/signin")
    result = page.evaluate("""async (config) => {
        const { renderTask } = await import("/static/task-view.js");
        const { safeHtml } = await import("/static/safe-html.js");
        const box = document.createElement("div");
        document.querySelector("main").append(box);
        const spec = (config) => ({ input_spec: {}, output_spec: {},
            view_spec: { type: "tb", config: JSON.stringify(config), lock: {} } });
        const polluting = renderTask(box, { taskSpec: spec({ view: { type: "field.text", label: "Name",
            data: { type: "data.output", path: "__proto__.polluted", default: "yes" } } }), name: "proto" });
        const view = renderTask(box, { taskSpec: spec(config), name: "checks" });
        const element = view.element;
        const checkbox = (name) => document.getElementById(
            [...element.querySelectorAll("label")].find((label) => label.textContent.startsWith(name)).htmlFor);
        for (const key of ["s", "s", "k", "k"]) view.hotkey(key);
        const byKeys = view.values();
        for (const name of ["Sure", "Sure", "Kept", "Kept"]) checkbox(name).click();
        const byMouse = view.values();
        const sport = checkbox("Sport");
        const keys = { sport: sport.getAttribute("aria-keyshortcuts"),
            news: checkbox("News").getAttribute("aria-keyshortcuts"), badge: sport.labels[0].querySelector("kbd")?.textContent };
        view.hotkey("1");
        const ticked = sport.checked;
        view.hotkey("b");
        const text = (selector) => [...element.querySelectorAll(selector)].map((node) => node.textContent);
        const refused = document.createElement("div");
        const setHTML = Element.prototype.setHTML;
        Element.prototype.setHTML = () => { throw new TypeError("unknown sanitizer option"); };
        try {
            safeHtml(refused, "<b>bold</b>");
        } finally {
            Element.prototype.setHTML = setHTML;
        }
        view.dispose();
        return { polluted: ({}).polluted ?? null, reason: polluting.fallbackReason, drawn: view.fallbackReason,
                 texts: text(".tb-text"), broken: text(".tb-broken"), byKeys, byMouse, keys, ticked,
                 refused: refused.textContent, disposed: [view.element.isConnected, view.store.watchers.size] };
    }""", CHECKS_CONFIG)
    assert result["polluted"] is None
    assert result["reason"] == ('This project\'s interface could not be drawn (its data path "__proto__.polluted" names '
                                "an object's prototype), so a plain form built from the output fields is shown.")
    assert result["drawn"] is None
    # The lone item is drawn as a list of one; vars.constructor is no var; the part that cannot be
    # drawn says so, and the text after it still follows the answer.
    assert result["texts"] == ["One item, not a list", "", "bad"]
    assert result["broken"] == ["This part of the task cannot be shown: action.notify cannot be drawn here"]
    # Ticked and cleared by key or by mouse, a checkbox leaves the same answer.
    assert result["byKeys"] == result["byMouse"] == {"kept": False}
    assert result["keys"] == {"sport": "1", "news": None, "badge": "1"}
    assert result["ticked"] is True
    assert result["refused"] == "<b>bold</b>"
    assert result["disposed"] == [False, 0]
