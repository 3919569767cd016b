"""`GET /api/v1/performers` (Talaka's extension) on each backend: a requester finds the performers it
created and those who worked in its pools, and no one else's; pages by id never skip or repeat one;
tokens are never shown again; every answer fits what `/openapi.json` documents."""

from __future__ import annotations

import uuid

import httpx

from tests.api.test_openapi import Checker
from tests.api.work_world import (
    PROJECT,
    check_envelope,
    created,
    open_pool,
    performer_client,
    requester_client,
)
from tests.support.server import ServerProcess

PERFORMERS = "/api/v1/performers"


def every_page(call: Checker, limit: int) -> list[dict[str, object]]:
    """All pages at `limit` per page, each checked against the document; a page that says more
    follow is never empty."""
    found: list[dict[str, object]] = []
    params = {"limit": str(limit)}
    while True:
        page = call("GET", PERFORMERS, 200, params=params)
        found += page["items"]
        if not page["has_more"]:
            return found
        assert page["items"], "has_more with an empty page"
        params = {"limit": str(limit), "id_gt": str(page["items"][-1]["id"])}


def test_a_requester_finds_the_performers_it_created_or_had_work_from(server: ServerProcess) -> None:
    owner = server.new_requester(f"performers-{uuid.uuid4().hex[:8]}")
    stranger = server.new_requester(f"stranger-{uuid.uuid4().hex[:8]}")
    with requester_client(server.url, owner) as api, requester_client(server.url, stranger) as other:
        mine = [created(api.post("/performers", json={"name": name, "languages": ["en", "de"], "country": "gb"}))
                for name in ("Ann", "Bob", "Cid")]
        zed = created(other.post("/performers", json={"name": "Zed"}))
        worker = created(other.post("/performers", json={"name": "Wes", "adult_allowed": True}))
        project = str(created(api.post("/projects", json=PROJECT))["id"])
        pool = open_pool(api, project, 2)
    with performer_client(server.url, worker["token"]) as wes:
        created(wes.post("/assignments", json={"pool_id": pool}))

    with httpx.Client(base_url=server.url, timeout=60) as http:
        document = http.get("/openapi.json").json()
        call = Checker(http, document, owner)
        expected = sorted([*mine, worker], key=lambda performer: performer["id"])
        listed = call("GET", PERFORMERS, 200)
        assert listed["has_more"] is False
        assert listed["items"] == [{key: value for key, value in performer.items() if key != "token"}
                                   for performer in expected]
        assert {(item["name"], tuple(item["languages"]), item["country"]) for item in listed["items"]} == {
            ("Ann", ("EN", "DE"), "GB"), ("Bob", ("EN", "DE"), "GB"), ("Cid", ("EN", "DE"), "GB"), ("Wes", (), None)}
        assert every_page(call, 1) == listed["items"]
        assert every_page(call, 2) == listed["items"]
        past_last = call("GET", PERFORMERS, 200, params={"id_gt": expected[-1]["id"]})
        assert past_last == {"items": [], "has_more": False}

        theirs = Checker(http, document, stranger)("GET", PERFORMERS, 200)
        assert {item["id"] for item in theirs["items"]} == {zed["id"], worker["id"]}

        for params in ({"limit": "0"}, {"limit": "1001"}, {"limit": "x"}, {"id_gt": "XYZ"}, {"sort": "id"}):
            call("GET", PERFORMERS, 400, params=params)
        call("GET", PERFORMERS, 403, token=worker["token"])
        check_envelope(http.get(PERFORMERS, params={"limit": "-1", "id_gt": "g"},
                                headers={"Authorization": f"OAuth {owner}"}), 400, "VALIDATION_ERROR")
