"""`talaka.Performer` and `AsyncPerformer`: the flows driven by hand, then a program working as a
performer on the session's real server."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

import talaka
from talaka.client import _performer
from talaka.client._core import Call
from tests.client.conftest import create_performer
from tests.client.pools import image_tasks
from tests.client.test_core import SETTINGS, drive, envelope, reply
from tests.support.api import IMAGE_PROJECT
from tests.support.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]

ACTIVE: dict[str, Any] = {
    "id": "0000000c--000000000000000000000001", "pool_id": "12", "project_id": "3", "status": "ACTIVE",
    "created": "2024-01-01T00:00:00", "expires": "2024-01-01T00:10:00", "reward": 0.01,
    "tasks": [{"id": "t1", "input_values": {"image": "http://x/1.png"}},
              {"id": "t2", "input_values": {"image": "http://x/2.png"}}],
    "task_spec": {"input_spec": {"image": {"type": "url"}}, "output_spec": {"label": {"type": "string"}},
                  "view_spec": {}},
    "instructions": "<p>Cats</p>", "unknown": "ignored"}


# The flows.


def test_take_posts_the_pool_id_as_a_string_and_is_retried() -> None:
    answers = [httpx.ReadError("lost"), reply(201, ACTIVE)]
    assignment, effects = drive(_performer.take("12", SETTINGS), answers)
    take = Call("POST", "/performer/v1/assignments", body=b'{"pool_id":"12"}')
    assert effects[0] == take and effects[2] == take and take.retry_safe
    assert assignment.status == "ACTIVE" and [task.id for task in assignment.tasks] == ["t1", "t2"]
    assert assignment.task_spec is not None and assignment.instructions == "<p>Cats</p>"


def test_solutions_go_out_in_the_wire_form_whichever_form_they_come_in() -> None:
    submitted = {**ACTIVE, "status": "SUBMITTED", "submitted": "2024-01-01T00:01:00",
                 "solutions": [{"output_values": {"label": "cat"}}] * 3}
    cat = {"label": "cat"}
    solutions = [cat, {"output_values": cat}, talaka.Solution(output_values=cat)]
    assignment, effects = drive(_performer.submit("a1", solutions, SETTINGS), [reply(200, submitted)])
    assert effects == [Call("POST", "/performer/v1/assignments/a1/submit",
                            body=msgspec.json.encode({"solutions": [{"output_values": cat}] * 3}))]
    assert assignment.solutions == [talaka.Solution(output_values={"label": "cat"})] * 3
    assert _performer.wire_solution({"output_values": "text", "other": 1}).output_values == {
        "output_values": "text", "other": 1}, "a mapping with other keys is the output values themselves"


def test_a_skip_sent_again_returns_the_skipped_assignment() -> None:
    refused = reply(409, envelope("INAPPROPRIATE_STATUS"))
    answers = [refused, reply(200, {**ACTIVE, "status": "SKIPPED"})]
    skipped, effects = drive(_performer.skip("a1", SETTINGS), answers)
    assert skipped.status == "SKIPPED"
    assert effects == [Call("POST", "/performer/v1/assignments/a1/skip"),
                       Call("GET", "/performer/v1/assignments/a1")]
    with pytest.raises(talaka.InappropriateStatus):
        drive(_performer.skip("a1", SETTINGS), [refused, reply(200, {**ACTIVE, "status": "EXPIRED"})])


def test_refusals_raise_by_their_code() -> None:
    with pytest.raises(talaka.NoTasksAvailable) as none_left:
        drive(_performer.take("12", SETTINGS), [reply(409, envelope("NO_TASKS_AVAILABLE"))])
    assert none_left.value.status_code == 409 and isinstance(none_left.value, talaka.IncorrectActionsApiError)
    with pytest.raises(talaka.AccessDeniedApiError) as denied:
        drive(_performer.take("12", SETTINGS), [reply(403, envelope(
            "ACCESS_DENIED", {"reason": "TRAINING_REQUIRED", "training_pool_id": "7"}))])
    assert denied.value.reason == "TRAINING_REQUIRED" and denied.value.payload["training_pool_id"] == "7"
    assert talaka.AccessDeniedApiError(403, "ACCESS_DENIED", "no").reason is None
    problem = {"code": "VALUE_REQUIRED", "message": "Value must be present"}
    with pytest.raises(talaka.ValidationApiError) as invalid:
        drive(_performer.submit("a1", [{}], SETTINGS), [reply(400, envelope("VALIDATION_ERROR", {
            "solutions.0.output_values.label": problem}))])
    assert invalid.value.invalid_fields == ["solutions.0.output_values.label"]


def test_pools_me_and_pages_of_assignments() -> None:
    offer = {"pool_id": "12", "project_id": "3", "title": "Cats", "description": "d", "instructions": "i",
             "reward_per_assignment": 0.01, "assignment_max_duration_seconds": 600, "training": False,
             "requester": {"id": "r1", "public_name": {"EN": "Lab"}}}
    offers, effects = drive(_performer.pools(SETTINGS), [reply(200, {"items": [offer], "has_more": False})])
    assert effects == [Call("GET", "/performer/v1/pools")] and offers == [talaka.PoolOffer(**offer)]
    profile = {"id": "ab12", "name": "p1", "languages": ["EN"], "country": "GB", "adult_allowed": False}
    me, _ = drive(_performer.me(SETTINGS), [reply(200, profile)])
    assert me == talaka.PerformerProfile(**profile)

    filters = _performer.assignment_filters("SUBMITTED, ACCEPTED", "12")
    _, effects = drive(_performer.find_assignments(filters, None, 5, SETTINGS), [reply(200, {"items": []})])
    assert effects[0].params == {"status": "SUBMITTED,ACCEPTED", "pool_id": "12", "limit": "5"}
    pages = _performer.pages(_performer.assignment_filters(None, None), None)
    first, effects = drive(pages.next_page(SETTINGS), [reply(200, {"items": [ACTIVE], "has_more": True})])
    assert effects[0].params == {"sort": "id"} and pages.take(first)[0].id == ACTIVE["id"] and pages.more
    _, effects = drive(pages.next_page(SETTINGS), [reply(200, {"items": [], "has_more": False})])
    assert effects[0].params == {"id_gt": ACTIVE["id"], "sort": "id"}


def test_performer_and_async_performer_have_the_same_methods_and_parameters() -> None:
    def public(cls: type) -> dict[str, inspect.Signature]:
        return {name: inspect.signature(member) for name, member in vars(cls).items()
                if callable(member) and not name.startswith("_")}

    sync, asynchronous = public(talaka.Performer), public(talaka.AsyncPerformer)
    assert sorted(sync) == sorted(asynchronous)
    for name, signature in sync.items():
        assert [(p.name, p.kind, p.default) for p in signature.parameters.values()] == [
            (p.name, p.kind, p.default) for p in asynchronous[name].parameters.values()], name
        if name != "iter_assignments":
            assert inspect.iscoroutinefunction(getattr(talaka.AsyncPerformer, name)), name
    assert inspect.isasyncgenfunction(talaka.AsyncPerformer.iter_assignments)
    assert inspect.iscoroutinefunction(talaka.AsyncPerformer.close)


def test_the_performer_sends_its_token_under_the_performer_api() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "ab12"})

    transport = httpx.MockTransport(answer)
    with talaka.Performer("http://talaka.test/prefix/", "tok", transport=transport) as performer:
        assert performer.me().id == "ab12"
    assert str(seen[0].url) == "http://talaka.test/prefix/api/performer/v1/me"
    assert seen[0].headers["Authorization"] == "OAuth tok"


# A program working as a performer, against the real server.


def labelled_pool(client: talaka.Client, *, tasks: int, overlap: int = 2, auto_accept: bool = True,
                  **pool: Any) -> str:
    """An open pool of `tasks` images to label cat or dog, two a suite, each by `overlap` performers."""
    project = client.create_project(IMAGE_PROJECT)
    created = client.create_pool({
        "project_id": project.id, "private_name": "work", "reward_per_assignment": 0.01,
        "assignment_max_duration_seconds": 600, "auto_accept_solutions": auto_accept,
        "defaults": {"default_overlap_for_new_tasks": overlap},
        "mixer_config": {"real_tasks_count": 2, "golden_tasks_count": 0, "training_tasks_count": 0}, **pool})
    assert created.id is not None
    client.create_tasks(image_tasks(created.id, tasks), allow_defaults=True, open_pool=True)
    return created.id


def work_through(performer: talaka.Performer, pool_id: str, label: str = "cat") -> list[str]:
    """Take and answer suites from the pool until it has nothing left for this performer; their ids."""
    done: list[str] = []
    while True:
        try:
            assignment = performer.take(pool_id)
        except (talaka.NoTasksAvailable, talaka.DoesNotExistApiError):
            return done
        performer.submit(assignment.id, [{"label": label}] * len(assignment.tasks))
        done.append(assignment.id)


def test_a_program_takes_answers_and_skips_suites(
        client: talaka.Client, new_performer: Callable[..., talaka.Performer]) -> None:
    pool_id = labelled_pool(client, tasks=6, overlap=1)
    performer = new_performer("worker-1", languages=["EN"], country="GB")
    me = performer.me()
    assert me.name == "worker-1" and me.languages == ["EN"] and me.country == "GB" and not me.adult_allowed
    offer = next(offer for offer in performer.pools() if offer.pool_id == pool_id)
    assert offer.title == IMAGE_PROJECT["public_name"] and offer.reward_per_assignment == 0.01
    assert not offer.training

    first = performer.take(pool_id)
    assert first.status == "ACTIVE" and len(first.tasks) == 2 and first.pool_id == pool_id
    assert first.expires and first.created and abs((first.expires - first.created).total_seconds() - 600) < 1
    assert first.task_spec and set(first.task_spec["output_spec"]) == {"label"}
    assert performer.take(pool_id).id == first.id, "taking again gets the active suite"
    assert performer.get_assignment(first.id) == first

    with pytest.raises(talaka.ValidationApiError) as invalid:
        performer.submit(first.id, [{"label": "cow"}, {}])
    fields = {"solutions.0.output_values.label", "solutions.1.output_values.label"}
    assert fields <= set(invalid.value.payload)
    assert performer.get_assignment(first.id).status == "ACTIVE"
    answers = [{"label": "cat"}, {"output_values": {"label": "dog"}}]
    submitted = performer.submit(first.id, answers)
    assert submitted.status in ("SUBMITTED", "ACCEPTED") and submitted.submitted
    assert submitted.solutions == [talaka.Solution(output_values={"label": "cat"}),
                                   talaka.Solution(output_values={"label": "dog"})]
    assert performer.submit(first.id, answers).id == first.id, "the same submit again is answered as it is"
    with pytest.raises(talaka.InappropriateStatus):
        performer.skip(first.id)

    second = performer.take(pool_id)
    assert {task.id for task in second.tasks}.isdisjoint(task.id for task in first.tasks)
    assert performer.skip(second.id).status == "SKIPPED"
    assert performer.skip(second.id).status == "SKIPPED", "skipping again returns it as it is"
    with pytest.raises(talaka.InappropriateStatus):
        performer.submit(second.id, answers)

    rest = work_through(performer, pool_id)
    assert len(rest) == 1, "the skipped tasks went back to the pool, but never to the performer who skipped"
    newest_first = sorted([first.id, second.id, *rest], reverse=True)
    mine = performer.assignments(pool_id=pool_id, limit=2)
    assert mine.has_more and [a.id for a in mine.items] == newest_first[:2]
    assert [a.id for a in performer.assignments(status="SKIPPED", pool_id=pool_id).items] == [second.id]
    every = list(performer.iter_assignments(pool_id=pool_id, batch_size=1))
    assert [a.id for a in every] == sorted([first.id, second.id, *rest])


def test_refusals_name_what_is_wrong(server: ServerProcess, client: talaka.Client,
                                     new_performer: Callable[..., talaka.Performer]) -> None:
    german_only = {"filter": {"and": [{"or": [
        {"category": "profile", "key": "languages", "operator": "IN", "value": "DE"}]}]}}
    pool_id = labelled_pool(client, tasks=2, overlap=1, **german_only)
    english = new_performer("english", languages=["EN"])
    with pytest.raises(talaka.AccessDeniedApiError) as filtered:
        english.take(pool_id)
    assert filtered.value.reason == "FILTER"
    assert pool_id not in [offer.pool_id for offer in english.pools()]
    with pytest.raises(talaka.DoesNotExistApiError):
        english.take("999999999")

    german = new_performer("german", languages=["DE"])
    taken = german.take(pool_id)
    with pytest.raises(talaka.DoesNotExistApiError):
        english.get_assignment(taken.id)
    with pytest.raises(talaka.DoesNotExistApiError):
        english.submit(taken.id, [{"label": "cat"}] * 2)
    german.submit(taken.id, [{"label": "cat"}] * 2)
    with pytest.raises((talaka.NoTasksAvailable, talaka.DoesNotExistApiError)):
        german.take(pool_id)

    with talaka.Performer(server.url, server.token) as requester_as_performer, pytest.raises(
            talaka.AccessDeniedApiError):
        requester_as_performer.me()
    with talaka.Client(server.url, create_performer(server, "no-requester")) as performer_as_requester, \
            pytest.raises(talaka.AccessDeniedApiError):
        performer_as_requester.get_requester()


class _LoseFirstAnswer(httpx.BaseTransport):
    """Forwards every request, but loses the answer of the first one whose path ends with `suffix`."""

    def __init__(self, suffix: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.suffix = suffix
        self.lost = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        if request.url.path.endswith(self.suffix) and not self.lost.is_set():
            self.lost.set()
            raise httpx.ReadError("the answer was lost on the way back", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("suffix", ["/assignments", "/submit", "/skip"])
def test_answers_lost_after_the_server_acted_are_retried_safely(
        server: ServerProcess, client: talaka.Client, suffix: str) -> None:
    pool_id = labelled_pool(client, tasks=4, overlap=1)
    transport = _LoseFirstAnswer(suffix)
    with talaka.Performer(server.url, create_performer(server, f"lossy{suffix.replace('/', '-')}"),
                          transport=transport) as performer:
        taken = performer.take(pool_id)
        if suffix == "/skip":
            assert performer.skip(taken.id).status == "SKIPPED"
        else:
            assert performer.submit(taken.id, [{"label": "dog"}] * 2).status in ("SUBMITTED", "ACCEPTED")
        assert transport.lost.is_set()
        assert len(performer.assignments(pool_id=pool_id).items) == 1, "nothing was done twice"


def test_the_async_performer_does_the_same_work(server: ServerProcess, client: talaka.Client) -> None:
    pool_id = labelled_pool(client, tasks=2, overlap=1)
    token = create_performer(server, "async-worker")

    async def work() -> list[str]:
        async with talaka.AsyncPerformer(server.url, token) as performer:
            assert (await performer.me()).name == "async-worker"
            assert pool_id in [offer.pool_id for offer in await performer.pools()]
            taken = await performer.take(pool_id)
            assert (await performer.get_assignment(taken.id)).status == "ACTIVE"
            await performer.submit(taken.id, [{"label": "cat"}] * len(taken.tasks))
            with pytest.raises((talaka.NoTasksAvailable, talaka.DoesNotExistApiError)):
                await performer.take(pool_id)
            page = await performer.assignments(status=["SUBMITTED", "ACCEPTED"])
            assert [a.id for a in page.items] == [taken.id]
            with pytest.raises(talaka.InappropriateStatus):
                await performer.skip(taken.id)
            return [a.id async for a in performer.iter_assignments(pool_id=pool_id)]

    assert len(asyncio.run(work())) == 1


def test_the_new_methods_are_typed(tmp_path: Path) -> None:
    """mypy sees the real types of the performer's and the assignments' calls, not Any."""
    snippet = tmp_path / "uses_sdk.py"
    snippet.write_text(textwrap.dedent("""
        import talaka

        async def main() -> None:
            performer = talaka.Performer("http://127.0.0.1:8000", "token")
            reveal_type(performer.take("1"))
            reveal_type(performer.pools())
            reveal_type(performer.take("1").tasks[0].input_values)
            twin = talaka.AsyncPerformer("http://127.0.0.1:8000", "token")
            reveal_type(await twin.submit("a", [{"label": "cat"}]))
            client = talaka.Client("http://127.0.0.1:8000", "token")
            reveal_type(client.get_assignments(pool_id="1", status=["SUBMITTED", "ACCEPTED"]))
            reveal_type(client.wait_pool("1"))
            reveal_type(await talaka.AsyncClient("http://127.0.0.1:8000", "token").get_assignment("a"))
    """))
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path),
               str(snippet)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT)
    revealed = [line.split("Revealed type is ")[1].strip('"') for line in done.stdout.splitlines()
                if "Revealed type" in line]
    for prefix in ("builtins.", "typing.", "collections.abc.", "talaka.client._models."):
        revealed = [text.replace(prefix, "") for text in revealed]
    assert revealed == ["PerformerAssignment", "list[PoolOffer]", "dict[str, Any]", "PerformerAssignment",
                        "Iterator[Assignment]", "Pool", "Assignment"], done.stdout
    assert done.returncode == 0, done.stdout
