"""The page's routes without a browser: headers, escaping, no inline code, static files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources

import httpx
import pytest

from talaka.web.routes import CONTENT_SECURITY_POLICY, TASK_MEDIA_POLICY
from tests.web.conftest import WebServer

TASK_PAGES = ["/work", "/work/assignments/0000000001--000000000000000000000001", "/projects/1/preview"]
"""Pages that draw tasks, whose media come from other hosts."""
PAGES = ["/", "/signin", "/projects/1", "/pools/1", "/pools/1/assignments", "/performers", "/operations",
         "/operations/abc", "/work/history", *TASK_PAGES]


@pytest.fixture(scope="module")
def client(web_server: WebServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web_server.url) as plain:
        yield plain


def test_task_pages_let_media_in_and_nothing_else() -> None:
    """Only images, sound, video and frames may come from other hosts; scripts, styles and API
    calls stay on this server."""
    directives = dict(part.strip().split(" ", 1) for part in TASK_MEDIA_POLICY.split(";"))
    for name in ("script-src", "style-src", "connect-src"):
        assert directives[name] == "'self'", name
    for name in ("img-src", "media-src", "frame-src"):
        assert "https:" in directives[name], name
    assert directives["default-src"] == "'none'"


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_html_under_a_strict_policy(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = TASK_MEDIA_POLICY if path in TASK_PAGES else CONTENT_SECURITY_POLICY
    assert response.headers["content-security-policy"] == policy
    assert "'unsafe-inline'" not in policy and "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    html = response.text
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html and 'name="viewport"' in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all('src="/static/' in tag for tag in scripts)
    assert not re.search(r"\sstyle=|\son[a-z]+=", html), "inline styles or handlers would be refused by the policy"


@pytest.mark.parametrize("path", PAGES)
def test_every_form_control_has_a_label(client: httpx.Client, path: str) -> None:
    html = client.get(path).text
    labelled = set(re.findall(r'<label for="([^"]+)"', html)) | set(re.findall(r'aria-label="[^"]+"', html))
    for control_id in re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html):
        assert control_id in labelled, f"{path}: #{control_id} has no label"


def test_ids_from_the_url_are_escaped(client: httpx.Client) -> None:
    html = client.get("/pools/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E").text
    assert "<img" not in html
    assert 'data-pool-id="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html
    assert "<h1 id=\"title\">Pool &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h1>" in html


def test_static_files_are_served_with_their_types(client: httpx.Client) -> None:
    names = [entry.name for entry in resources.files("talaka.web").joinpath("static").iterdir()]
    assert {"talaka.css", "pool.js", "upload-panel.js", "uploader.js", "taskfile.js", "favicon.svg"} <= set(names)
    for name in names:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.headers["x-content-type-options"] == "nosniff"
        expected = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}[name.rsplit(".", 1)[1]]
        assert response.headers["content-type"].startswith(expected)


def test_every_module_a_page_loads_exists(client: httpx.Client) -> None:
    """Each page's module and every module imported from it is a file the server serves."""
    pending = [tag for path in PAGES for tag in re.findall(r'src="/static/([^"]+)"', client.get(path).text)]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        pending += re.findall(r'from "\./([^"]+)"', response.text)
    assert {"uploader.js", "taskfile.js", "task-view.js", "work-suite.js", "assignments.js"} <= seen


def test_static_files_revalidate_by_etag(client: httpx.Client) -> None:
    first = client.get("/static/talaka.css")
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/static/talaka.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("name", ["nope.js", "..%2F__init__.py", "routes.py", "API.JS", ".hidden.js"])
def test_only_the_static_folder_is_served(client: httpx.Client, name: str) -> None:
    assert client.get(f"/static/{name}").status_code == 404
