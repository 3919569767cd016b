"""Browser tests of the web page: the whole app served in-process, driven in headless Chromium.

Chromium is Debian's (`/usr/bin/chromium`), driven by Playwright for Python; the tests skip when
either is missing, except in CI (`CI` set), where a skip would hide a broken page, so they fail.
Each step writes a screenshot under the run's temporary folder and into `test-output/web/`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn

from talaka.api.app import create_app
from talaka.api.auth import new_token, token_hash
from talaka.config import Settings
from talaka.store import open_store
from tests.support.databases import BACKENDS, fresh_database
from tests.support.server import free_port
from tests.web.media import MediaServer, serve_media

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("TALAKA_TEST_CHROMIUM", "/usr/bin/chromium"))
"""Debian's Chromium; never a browser Playwright downloads."""
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COPY_TO = Path(__file__).resolve().parents[2] / "test-output" / "web"
IGNORED_CONSOLE = ("Failed to load resource",)
"""Chromium logs every 4xx answer as a console error; the page handles those itself."""


def need_browser() -> None:
    """Skip the calling test module without Chromium or Playwright; fail instead in CI.

    Browser test modules call this before importing Playwright, so they skip rather than error.
    """
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing: apt-get install chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is missing: pip install playwright (the browser comes from Debian's chromium)"
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests must run in CI, but {problem}", pytrace=False)
    pytest.skip(f"browser tests skipped: {problem}", allow_module_level=True)


@dataclass
class WebServer:
    """The server, and tokens of three requesters: one for most tests, one whose objects the
    others must not see, one for the journey (which counts its own operations)."""

    url: str
    token: str
    other_token: str
    journey_token: str

    def api(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url + "/api/v1", timeout=60,
                            headers={"Authorization": f"OAuth {token or self.token}"})


async def _requesters(database_url: str, settings: Settings, names: list[str]) -> list[str]:
    store = open_store(database_url, settings)
    await store.start()
    try:
        tokens = []
        for name in names:
            token = new_token()
            await store.create_requester(name, token_hash(token))
            tokens.append(token)
        return tokens
    finally:
        await store.close()


@pytest.fixture(scope="session", params=BACKENDS)
def web_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """The API and the page on a free port, served by uvicorn on a thread of this process, on
    each backend."""
    folder = tmp_path_factory.mktemp(f"web-server-{request.param}")
    with fresh_database(request.param, folder) as database_url:
        yield from _serve(database_url)


def _serve(database_url: str) -> Iterator[WebServer]:
    settings = Settings.from_env(database_url=database_url)
    # Playwright's sync API runs an event loop on this thread, so asyncio gets a thread of its own.
    with ThreadPoolExecutor(1) as executor:
        tokens = executor.submit(
            lambda: asyncio.run(_requesters(database_url, settings, ["web", "other", "journey"]))).result()
    app = create_app(open_store(database_url, settings), settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on", loop="asyncio"))
    thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield WebServer(f"http://127.0.0.1:{port}", *tokens)
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="session")
def sqlite_web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """The server on SQLite only, for tests of what the page draws: the backends are the API's
    concern and are tested there, so drawing every component twice would only cost CI time."""
    folder = tmp_path_factory.mktemp("web-server-pages")
    with fresh_database("sqlite", folder) as database_url:
        yield from _serve(database_url)


@pytest.fixture(scope="session")
def media() -> Iterator[MediaServer]:
    """Images, sound and frames for tasks, from another origin than the server's."""
    with serve_media() as server:
        yield server


@dataclass(frozen=True)
class Performer:
    id: str
    name: str
    token: str


def create_performer(server: WebServer, name: str, *, token: str | None = None, **profile: object) -> Performer:
    """A new performer account made through the API (`POST /api/v1/performers`) by a requester."""
    with server.api(token) as api:
        response = api.post("/performers", json={"name": name, **profile})
    assert response.status_code == 201, response.text
    created = response.json()
    return Performer(created["id"], name, created["token"])


def sign_in_performer(page: Page, server: WebServer, performer: Performer) -> None:
    """Sign in on `/work` with a performer token, and wait for the pools on offer."""
    page.goto(server.url + "/work")
    page.get_by_label("Performer token").fill(performer.token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Pools you can work in").wait_for()


def hide_tab(page: Page, hidden: bool) -> None:
    """What the browser does when the tab goes to the background (or comes back)."""
    page.evaluate("""(hidden) => {
        Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
        document.dispatchEvent(new Event("visibilitychange"));
    }""", hidden)


def assert_accessible(page: Page, what: str) -> None:
    """axe-core's checks on the page as it is now: no serious or critical violation.

    axe-core comes bundled in `axe-playwright-python`; it is injected by Playwright's evaluate,
    which the page's Content-Security-Policy does not apply to.
    """
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(page)
    bad = [violation for violation in results.response["violations"]
           if violation.get("impact") in ("serious", "critical")]
    details = [f"{violation['id']} ({violation['impact']}): {violation['help']} at "
               f"{[node['target'] for node in violation['nodes']][:5]}" for violation in bad]
    assert not bad, f"{what}: axe-core found serious or critical violations: {details}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield launched
        launched.close()


@dataclass
class Screenshots:
    """Numbered screenshots of each step, in the run's folder and in `test-output/web/`."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def __call__(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        self.taken.append(path)
        COPY_TO.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, COPY_TO / path.name)
        return path


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Screenshots:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    if COPY_TO.exists():
        for old in COPY_TO.glob("*.png"):
            old.unlink()
    return Screenshots(folder)


@dataclass
class Watched:
    """A page and the script errors it logged (uncaught exceptions, CSP refusals, console errors)."""

    page: Page
    errors: list[str]


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("console", lambda message: errors.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith(IGNORED_CONSOLE) else None)
    yield Watched(page, errors)
    context.close()
    assert not errors, errors


@pytest.fixture
def page(watched: Watched) -> Page:
    return watched.page


def sign_in(page: Page, server: WebServer, token: str | None = None) -> None:
    page.goto(server.url + "/signin")
    page.get_by_label("API token").fill(token or server.token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/")
    page.get_by_role("heading", name="Projects", exact=True).wait_for()
    page.locator("#page-status:empty").wait_for(state="attached")
