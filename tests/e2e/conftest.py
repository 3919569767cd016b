"""Helpers for the end-to-end tests: toloka-kit clients, projects and pools made through toloka-kit.

Every test makes its own project and pool on the session server, so tests never see each
other's tasks and can count what they created.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from toloka.client import Pool, Project, Task, TolokaClient
from toloka.client.project.field_spec import (
    ArrayStringSpec,
    BooleanSpec,
    CoordinatesSpec,
    FieldSpec,
    FloatSpec,
    IntegerSpec,
    StringSpec,
    UrlSpec,
)
from toloka.client.project.task_spec import TaskSpec
from toloka.client.project.view_spec import ClassicViewSpec

import talaka
from tests.e2e.crowd import new_performers
from tests.e2e.quality import People
from tests.support.server import ServerProcess

TASK_ID = re.compile(r"\A[0-9a-f]{10}--[0-9a-f]{24}\Z")
ENVELOPE_KEYS = {"request_id", "code", "message", "payload"}


def image_input() -> dict[str, FieldSpec]:
    return {"image": UrlSpec()}


def label_output() -> dict[str, FieldSpec]:
    return {"label": StringSpec(allowed_values=["cat", "dog"])}


def rich_input() -> dict[str, FieldSpec]:
    """One field of every kind the validation tests break; only `image` is required."""
    return {
        "image": UrlSpec(),
        "title": StringSpec(required=False, max_length=10),
        "count": IntegerSpec(required=False, min_value=1, max_value=10),
        "score": FloatSpec(required=False, min_value=0.0, max_value=1.0),
        "flag": BooleanSpec(required=False),
        "color": StringSpec(required=False, allowed_values=["red", "green"]),
        "place": CoordinatesSpec(required=False),
        "tags": ArrayStringSpec(required=False, min_size=2),
    }


def expected_task_id(pool_id: str, task_id: str) -> bool:
    """`%010x--%024x` whose first part is the pool id in hex."""
    return bool(TASK_ID.match(task_id)) and int(task_id[:10], 16) == int(pool_id)


def image_tasks(pool_id: str, count: int, prefix: str = "img", **fields: Any) -> list[Task]:
    return [
        Task(pool_id=pool_id, input_values={"image": f"https://example.com/{prefix}/{number}.png"}, **fields)
        for number in range(count)
    ]


def all_tasks(client: TolokaClient, pool_id: str) -> list[Task]:
    return list(client.get_tasks(pool_id=pool_id, batch_size=100_000))


def task_count(client: TolokaClient, pool_id: str) -> int:
    found = client.find_tasks(pool_id=pool_id, limit=100_000)
    assert not found.has_more
    return len(found.items)


def error_code(error: Any) -> str:
    """The code of one field error, whether toloka-kit parsed it (FieldValidationError) or not (dict)."""
    return str(error["code"] if isinstance(error, Mapping) else error.code)


def codes(errors: Mapping[str, Any]) -> dict[str, str]:
    """`{path: error}` -> `{path: code}`."""
    return {path: error_code(error) for path, error in errors.items()}


def all_codes(errors: Mapping[Any, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """`{index: {path: error}}` -> `{str(index): {path: code}}`."""
    return {str(index): codes(found) for index, found in errors.items()}


def check_envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A JSON error envelope with exactly the four keys, its request id also in `X-Request-Id`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == ENVELOPE_KEYS, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["request_id"], str) and body["request_id"]
    assert response.headers["x-request-id"] == body["request_id"]
    return body


@dataclass
class Maker:
    """Makes projects and pools through toloka-kit for one requester."""

    client: TolokaClient

    def project(
        self,
        input_spec: dict[str, FieldSpec] | None = None,
        output_spec: dict[str, FieldSpec] | None = None,
        name: str = "images",
    ) -> Project:
        project = Project(
            public_name=name,
            public_description="classify images",
            public_instructions="look closely",
            task_spec=TaskSpec(
                input_spec=input_spec or image_input(),
                output_spec=output_spec or label_output(),
                view_spec=ClassicViewSpec(markup="<p>{{input.image}}</p>"),
            ),
        )
        return self.client.create_project(project)

    def pool(
        self,
        project: Project | None = None,
        *,
        overlap: int | None = 3,
        suite_overlap: int | None = None,
        name: str = "pool",
    ) -> Pool:
        """A closed pool; `overlap` is its `default_overlap_for_new_tasks` (None: no defaults at all)."""
        project = project or self.project()
        defaults = Pool.Defaults(
            default_overlap_for_new_tasks=overlap, default_overlap_for_new_task_suites=suite_overlap
        )
        pool = Pool(
            project_id=project.id,
            private_name=name,
            may_contain_adult_content=False,
            will_expire=datetime.datetime(2035, 1, 1, 12, 0),
            reward_per_assignment=0.01,
            assignment_max_duration_seconds=600,
            defaults=defaults,
        )
        created = self.client.create_pool(pool)
        assert created.status == Pool.Status.CLOSED
        return created


@pytest.fixture(scope="session")
def toloka(server: ServerProcess) -> TolokaClient:
    return TolokaClient(server.token, url=server.url)


@pytest.fixture(scope="session")
def maker(toloka: TolokaClient) -> Maker:
    return Maker(toloka)


@dataclass
class Other:
    """A second requester on the session server, with a pool of its own."""

    token: str
    client: TolokaClient
    maker: Maker
    pool: Pool


@pytest.fixture(scope="session")
def other(server: ServerProcess) -> Other:
    token = server.new_requester("other")
    client = TolokaClient(token, url=server.url)
    maker = Maker(client)
    return Other(token, client, maker, maker.pool())


@pytest.fixture
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    """Raw HTTP to the session server as its first requester."""
    with httpx.Client(
        base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {server.token}"}, timeout=60
    ) as api:
        yield api


@pytest.fixture
def people(server: ServerProcess) -> Iterator[People]:
    """`people(n)`: n new performers, each with a `talaka.Performer` closed after the test."""
    made: list[talaka.Performer] = []

    def make(count: int) -> list[talaka.Performer]:
        performers = [talaka.Performer(server.url, token) for _, token in new_performers(server, count)]
        made.extend(performers)
        return performers

    yield make
    for performer in made:
        performer.close()
