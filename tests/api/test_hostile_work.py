"""Hostile and broken requests to the requester's side of the work loop: creating performers, reading
and reviewing assignments, the TSV export and analytics. Each is refused cleanly and changes nothing.

Same table form as `test_hostile_performer`, in the same `work_world`: Ann's assignment is ACTIVE, so
every review of it is refused too (409), and the census (assignments as both sides see them, tasks,
pools, operations) must be what it was after each case. The last tests repeat requests that were
500s before.
"""

from __future__ import annotations

from typing import Any

import pytest

from talaka.api.openapi.work import work_paths
from tests.api.work_world import (
    MISSING,
    V1,
    VALIDATION,
    Case,
    Sides,
    WorkWorld,
    census,
    check_envelope,
    check_refusal,
    requester_client,
    send,
)

MAX_BODY = 4 * 1024 * 1024  # the server's default max_performer_body_bytes, which these bodies share
REVIEW = V1 + "/assignments/{a}"
ANALYTICS = "/api/staging/analytics-2"
TSV = "/api/new/requester/pools/{main}/assignments.tsv"
DENIED = "ACCESS_DENIED"


def asks(case_id: str, method: str, path: str, status: int, code: str, *words: str, **fields: Any) -> Case:
    """A case sent with the requester's token."""
    return Case(case_id, method, path, status, code, words, **{"as_": "requester", **fields})


def body(value: Any) -> Any:
    return lambda world: value


def review(case_id: str, value: Any, key: str, code: str, *words: str) -> Case:
    return asks(case_id, "PATCH", REVIEW, 400, VALIDATION, "Invalid assignment patch", *words,
                json=body(value), field=key, field_code=code)


def metric(name: str = "submitted_assignments_count", **extra: Any) -> Any:
    return lambda world: [{"subject": "POOL", "subject_id": world.main, "name": name, **extra}]


def analytics(case_id: str, value: Any, key: str, code: str) -> Case:
    return asks(case_id, "POST", ANALYTICS, 400, VALIDATION, "Invalid analytics request", json=value,
                field=key, field_code=code)


def performer(case_id: str, value: Any, key: str, code: str) -> Case:
    return asks(case_id, "POST", V1 + "/performers", 400, VALIDATION, "Invalid performer", json=body(value),
                field=key, field_code=code)


def search(name: str, value: str, code: str = "INVALID_VALUE") -> Case:
    return asks(f"find-{name}-{value}", "GET", V1 + "/assignments", 400, VALIDATION,
                "Invalid search parameters", name, params={name: value}, field=name, field_code=code)


def export(name: str, value: str) -> Case:
    return asks(f"tsv-{name}-{value}", "GET", TSV, 400, VALIDATION, name, params={name: value}, field=name,
                field_code="INVALID_VALUE")


CASES = [
    # ------------------------------------------------------------------------- PATCH /assignments/{id}
    review("review-without-status", {}, "status", "INVALID_VALUE", "ACCEPTED or REJECTED"),
    review("review-to-submitted", {"status": "SUBMITTED"}, "status", "INVALID_VALUE"),
    review("review-to-expired", {"status": "EXPIRED"}, "status", "INVALID_VALUE"),
    review("review-lower-case", {"status": "accepted"}, "status", "INVALID_VALUE"),
    review("review-status-a-number", {"status": 1}, "status", "INVALID_VALUE"),
    review("review-unknown-field", {"status": "ACCEPTED", "reward": 5}, "reward", "VALUE_NOT_ALLOWED"),
    review("review-reject-without-comment", {"status": "REJECTED"}, "public_comment", "VALUE_REQUIRED",
           "why"),
    review("review-reject-blank-comment", {"status": "REJECTED", "public_comment": " \n"}, "public_comment",
           "VALUE_REQUIRED"),
    review("review-comment-too-long", {"status": "ACCEPTED", "public_comment": "x" * 2049}, "public_comment",
           "INVALID_VALUE", "2048"),
    review("review-comment-a-number", {"status": "REJECTED", "public_comment": 5}, "public_comment",
           "INVALID_VALUE"),
    asks("review-array-body", "PATCH", REVIEW, 400, VALIDATION, json=body([{"status": "ACCEPTED"}]),
         field="assignment patch", field_code="OBJECT_EXPECTED"),
    asks("review-malformed", "PATCH", REVIEW, 400, VALIDATION, "not valid JSON", content=b'{"status": ',
         field="assignment patch", field_code="JSON_EXPECTED"),
    asks("review-nul", "PATCH", REVIEW, 400, VALIDATION, "NUL",
         json=body({"status": "REJECTED", "public_comment": "a\x00b"}), field="assignment patch",
         field_code="CHARACTER_NOT_ALLOWED"),
    asks("review-text-plain", "PATCH", REVIEW, 415, "UNSUPPORTED_MEDIA_TYPE",
         json=body({"status": "ACCEPTED"}), content_type="text/plain"),
    asks("review-huge", "PATCH", REVIEW, 413, "PAYLOAD_TOO_LARGE",
         json=body({"status": "REJECTED", "public_comment": "x" * MAX_BODY})),
    asks("review-a-parameter", "PATCH", REVIEW, 400, VALIDATION, json=body({"status": "ACCEPTED"}),
         params={"force": "1"}, field="force", field_code="VALUE_NOT_ALLOWED"),
    asks("accept-an-active-assignment", "PATCH", REVIEW, 409, "INAPPROPRIATE_STATUS", "ACTIVE",
         json=body({"status": "ACCEPTED"})),
    asks("reject-an-active-assignment", "PATCH", REVIEW, 409, "INAPPROPRIATE_STATUS", "ACTIVE",
         json=body({"status": "REJECTED", "public_comment": "no"})),
    Case("review-as-a-performer", "PATCH", REVIEW, 403, DENIED, ("requester's token",),
         json=body({"status": "ACCEPTED"})),
    asks("review-unknown", "PATCH", V1 + "/assignments/0000000001--00000000000000000fffffff", 404, MISSING,
         json=body({"status": "ACCEPTED"})),
    asks("review-malformed-id", "PATCH", V1 + "/assignments/{a}%00", 404, MISSING,
         json=body({"status": "ACCEPTED"})),
    # ------------------------------------------------------------------------------ GET /assignments
    search("status", "DONE"), search("status", "ACTIVE,LOST"), search("status", ""), search("limit", "0"),
    search("limit", "100001"), search("id_gt", "x"), search("created_gt", "yesterday"),
    search("submitted_lte", "2020-13-01"), search("pool_id", "abc"), search("task_id", "x"),
    search("task_suite_id", "1"), search("sort", "reward", "VALUE_NOT_ALLOWED"),
    search("page", "2", "VALUE_NOT_ALLOWED"),
    search("user_id", "a\x00b"), search("skipped_gt", "never"), search("rejected_lt", "2020-01-01T25:00:00"),
    search("task_id", "0000000001--000000000000000000000001-0"), search("expired_gte", "1"),
    Case("find-as-a-performer", "GET", V1 + "/assignments", 403, DENIED),
    Case("get-as-a-performer", "GET", REVIEW, 403, DENIED, as_="bob"),
    asks("get-a-parameter", "GET", REVIEW, 400, VALIDATION, params={"x": "1"}, field="x",
         field_code="VALUE_NOT_ALLOWED"),
    asks("get-unknown", "GET", V1 + "/assignments/{a}0", 404, MISSING),
    # ----------------------------------------------------------------------------------- the TSV export
    export("status", "DONE"), export("status", "APPROVED,"), export("field", "ASSIGNMENT:password"),
    export("startTimeFrom", "yesterday"), export("startTimeTo", "2020-02-30"),
    asks("tsv-unknown-parameter", "GET", TSV, 400, VALIDATION, params={"limit": "5"}, field="limit",
         field_code="VALUE_NOT_ALLOWED"),
    asks("tsv-unknown-pool", "GET", "/api/new/requester/pools/98765/assignments.tsv", 404, MISSING),
    asks("tsv-pool-not-a-number", "GET", "/api/new/requester/pools/main/assignments.tsv", 404, MISSING),
    asks("tsv-pool-of-19-digits", "GET", "/api/new/requester/pools/" + "9" * 19 + "/assignments.tsv", 404,
         MISSING),
    Case("tsv-as-a-performer", "GET", TSV, 403, DENIED),
    # ---------------------------------------------------------------------------------------- analytics
    analytics("analytics-an-object", body({"subject": "POOL"}), "request", "ARRAY_EXPECTED"),
    analytics("analytics-empty", body([]), "request", "ARRAY_EXPECTED"),
    analytics("analytics-eleven", lambda world: metric()(world) * 11, "request", "ARRAY_EXPECTED"),
    analytics("analytics-a-string-item", body(["POOL"]), "0", "OBJECT_EXPECTED"),
    analytics("analytics-user-subject", metric(subject="USER"), "0.subject", "INVALID_VALUE"),
    analytics("analytics-unknown-metric", metric("salary"), "0.name", "INVALID_VALUE"),
    analytics("analytics-pool-id-a-number", lambda world: [
        {"subject": "POOL", "subject_id": int(world.main), "name": "spent_budget"}], "0.subject_id",
        "INVALID_VALUE"),
    analytics("analytics-pool-id-text", body([
        {"subject": "POOL", "subject_id": "main", "name": "spent_budget"}]), "0.subject_id", "INVALID_VALUE"),
    *(analytics(f"analytics-interval-{name}", metric("active_workers_by_filter_count", **extra),
                "0.interval_hours", "VALUE_REQUIRED")
      for name, extra in (("missing", {}), ("zero", {"interval_hours": 0}),
                          ("text", {"interval_hours": "24"}), ("true", {"interval_hours": True}),
                          ("fraction", {"interval_hours": 1.5}))),
    asks("analytics-malformed", "POST", ANALYTICS, 400, VALIDATION, content=b"[{", field="request",
         field_code="JSON_EXPECTED"),
    asks("analytics-unknown-pool", "POST", ANALYTICS, 404, MISSING,
         json=body([{"subject": "POOL", "subject_id": "98765", "name": "spent_budget"}])),
    asks("analytics-text-plain", "POST", ANALYTICS, 415, "UNSUPPORTED_MEDIA_TYPE", json=metric(),
         content_type="text/plain"),
    asks("analytics-huge", "POST", ANALYTICS, 413, "PAYLOAD_TOO_LARGE", json=metric(pad="x" * MAX_BODY)),
    Case("analytics-as-a-performer", "POST", ANALYTICS, 403, DENIED, json=metric()),
    # --------------------------------------------------------------------- performers and their profiles
    performer("performer-without-name", {}, "name", "VALUE_REQUIRED"),
    performer("performer-blank-name", {"name": " \t"}, "name", "VALUE_REQUIRED"),
    performer("performer-long-name", {"name": "n" * 201}, "name", "VALUE_REQUIRED"),
    performer("performer-name-a-number", {"name": 7}, "name", "VALUE_REQUIRED"),
    performer("performer-languages-text", {"name": "x", "languages": "EN"}, "languages", "ARRAY_EXPECTED"),
    performer("performer-languages-numbers", {"name": "x", "languages": [1]}, "languages", "ARRAY_EXPECTED"),
    performer("performer-language-three-letters", {"name": "x", "languages": ["ENG"]}, "languages.0",
              "INVALID_VALUE"),
    performer("performer-country-three-letters", {"name": "x", "country": "GBR"}, "country", "INVALID_VALUE"),
    performer("performer-country-a-number", {"name": "x", "country": 44}, "country", "INVALID_VALUE"),
    performer("performer-adult-yes", {"name": "x", "adult_allowed": "yes"}, "adult_allowed",
              "BOOLEAN_EXPECTED"),
    performer("performer-with-a-token", {"name": "x", "token": "mine"}, "token", "VALUE_NOT_ALLOWED"),
    performer("performer-with-an-id", {"name": "x", "id": "ab"}, "id", "VALUE_NOT_ALLOWED"),
    asks("performer-array-body", "POST", V1 + "/performers", 400, VALIDATION, json=body([{"name": "x"}]),
         field="performer", field_code="OBJECT_EXPECTED"),
    asks("performer-huge", "POST", V1 + "/performers", 413, "PAYLOAD_TOO_LARGE",
         json=body({"name": "x", "languages": ["EN"] * (MAX_BODY // 4)})),
    Case("performer-by-a-performer", "POST", V1 + "/performers", 403, DENIED, json=body({"name": "x"})),
    asks("metadata-unknown", "GET", V1 + "/user-metadata/" + "0" * 32, 404, MISSING),
    asks("metadata-too-long", "GET", V1 + "/user-metadata/" + "a" * 65, 404, MISSING),
    asks("metadata-a-parameter", "GET", V1 + "/user-metadata/{ann_id}", 400, VALIDATION, params={"x": "1"},
         field="x", field_code="VALUE_NOT_ALLOWED"),
    Case("metadata-by-a-performer", "GET", V1 + "/user-metadata/{ann_id}", 403, DENIED),
    asks("performers-limit-zero", "GET", V1 + "/performers", 400, VALIDATION, params={"limit": "0"},
         field="limit", field_code="INVALID_VALUE"),
    asks("performers-limit-huge", "GET", V1 + "/performers", 400, VALIDATION, params={"limit": "9" * 40},
         field="limit", field_code="INVALID_VALUE"),
    asks("performers-id-gt-not-an-id", "GET", V1 + "/performers", 400, VALIDATION,
         params={"id_gt": "'; DROP TABLE performers; --"}, field="id_gt", field_code="INVALID_VALUE"),
    asks("performers-a-parameter", "GET", V1 + "/performers", 400, VALIDATION, params={"sort": "name"},
         field="sort", field_code="VALUE_NOT_ALLOWED"),
    Case("performers-by-a-performer", "GET", V1 + "/performers", 403, DENIED),
    asks("progress-unknown-pool", "GET", V1 + "/pools/98765/progress", 404, MISSING),
    asks("progress-pool-not-a-number", "GET", V1 + "/pools/x%00/progress", 404, MISSING),
    asks("progress-a-parameter", "GET", V1 + "/pools/{main}/progress", 400, VALIDATION, params={"since": "0"},
         field="since", field_code="VALUE_NOT_ALLOWED"),
    Case("progress-by-a-performer", "GET", V1 + "/pools/{main}/progress", 403, DENIED),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_request_is_refused_and_changes_nothing(world: WorkWorld, sides: Sides, case: Case) -> None:
    before = census(world, sides)
    check_refusal(send(sides.raw, world, case), case)
    assert census(world, sides) == before


def test_the_table_covers_every_new_requester_endpoint() -> None:
    names = {"{a}": "{assignment_id}", "{main}": "{pool_id}", "{ann_id}": "{user_id}"}
    sent = set()
    for case in CASES:
        path = case.path
        for ours, theirs in names.items():
            path = path.replace(ours, theirs)
        sent.add((case.method.lower(), path))
    documented = {(method, path) for path, item in work_paths().items() for method in item}
    assert documented - {("parameters", path) for path in work_paths()} - sent == set()
    assert len(CASES) >= 85


# Requests that were 500s (found here and by the fuzzer), kept as plain requests so they stay fixed.


@pytest.mark.parametrize("name", [{}, ["spent_budget"]], ids=["object", "array"])
def test_an_analytics_name_that_is_not_text_is_refused(world: WorkWorld, sides: Sides, name: Any) -> None:
    """It was looked up in a frozenset: unhashable, a 500."""
    before = census(world, sides)
    answer = sides.raw.post(ANALYTICS, json=[{"subject": "POOL", "subject_id": world.main, "name": name}],
                            headers={"Authorization": f"OAuth {world.requester}"})
    assert check_envelope(answer, 400, VALIDATION)["payload"]["0.name"]["code"] == "INVALID_VALUE"
    assert census(world, sides) == before


@pytest.mark.parametrize("hours", [10**12, 2**63], ids=["a-trillion", "2**63"])
def test_a_huge_interval_is_refused(world: WorkWorld, sides: Sides, hours: int) -> None:
    """It overflowed the date arithmetic: a 500."""
    before = census(world, sides)
    requests = metric("active_workers_by_filter_count", interval_hours=hours)(world)
    answer = sides.raw.post(ANALYTICS, json=requests, headers={"Authorization": f"OAuth {world.requester}"})
    assert "0.interval_hours" in check_envelope(answer, 400, VALIDATION)["payload"]
    assert census(world, sides) == before


def test_a_nul_character_in_an_analytics_request_is_refused(world: WorkWorld, sides: Sides) -> None:
    """Extra fields are echoed in the operation, and PostgreSQL cannot store NUL in JSON: it was a 500."""
    before = census(world, sides)
    answer = sides.raw.post(ANALYTICS, json=metric(note="a\x00b")(world),
                            headers={"Authorization": f"OAuth {world.requester}"})
    assert check_envelope(answer, 400, VALIDATION)["payload"]["request"]["code"] == "CHARACTER_NOT_ALLOWED"
    assert census(world, sides) == before


def test_a_nul_character_in_a_user_id_is_404(world: WorkWorld) -> None:
    """The id was looked up as sent, and PostgreSQL refuses NUL in text: it was a 500."""
    with requester_client(world.url, world.requester) as api:
        check_envelope(api.get("/user-metadata/a%00b"), 404, MISSING)


def test_a_date_before_the_year_1000_filters_like_any_other(world: WorkWorld, sides: Sides) -> None:
    """Every assignment was created after 0742-02-10 and none before 0999-12-31."""
    everything = read_ids(sides, created_gte="1742-02-10")
    assert everything == {world.a, world.b}
    assert read_ids(sides, created_gte="0742-02-10") == everything
    assert read_ids(sides, created_lt="0999-12-31") == set()


def read_ids(sides: Sides, **params: str) -> set[str]:
    return {item["id"] for item in sides.requester.get("/assignments", params=params).json()["items"]}
