"""Skills, user skills, user restrictions and user bonuses through toloka-kit 1.2.3, on each backend.

The requester's scene: a performer it created (Ann), one who worked in its pool (Bob, made by another
requester: known through his assignment), and Carl, whom it has never met. Every call is made the way
toloka-kit's docs and tutorials make it, and what comes back is compared with what was sent and with
what a later read returns. Another requester then finds none of it, by id or by search, and cannot
point its own calls at any of it.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest
from toloka.client import Pool, Skill, TolokaClient, UserBonus
from toloka.client.batch_create_results import UserBonusBatchCreateResult
from toloka.client.exceptions import DoesNotExistApiError, ValidationApiError
from toloka.client.operations import UserBonusCreateBatchOperation
from toloka.client.user_restriction import (
    AllProjectsUserRestriction,
    PoolUserRestriction,
    ProjectUserRestriction,
    UserRestriction,
)
from toloka.client.user_skill import UserSkill

import talaka
from tests.e2e.conftest import Maker, Other, codes, error_code
from tests.e2e.crowd import images, tutorial_pool, tutorial_project
from tests.support.server import ServerProcess

BONUS_ID_WIDTH = 10


@dataclass(frozen=True)
class Scene:
    pool: Pool
    ann: str
    bob: str
    carl: str
    assignment: str
    """Bob's assignment in `pool`."""


def performer(server: ServerProcess, token: str) -> tuple[str, str]:
    """A new performer of the requester with `token`: (id, its token)."""
    with httpx.Client(base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {token}"},
                      timeout=60) as api:
        answer = api.post("/performers", json={"name": f"users-{uuid.uuid4().hex[:8]}"})
        assert answer.status_code == 201, answer.text
        return answer.json()["id"], answer.json()["token"]


@pytest.fixture(scope="module")
def scene(toloka: TolokaClient, server: ServerProcess, other: Other) -> Scene:
    pool = tutorial_pool(toloka, tutorial_project(toloka), auto_accept=True, real=1, golden=0, overlap=2)
    toloka.create_tasks(images(pool.id, 2), allow_defaults=True, open_pool=True)
    ann, _ = performer(server, server.token)
    bob, bob_token = performer(server, other.token)
    carl, _ = performer(server, other.token)
    with talaka.Performer(server.url, bob_token) as me:
        assignment = me.take(pool.id).id
    return Scene(pool, ann, bob, carl, assignment)


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


# Skills.


def test_create_get_update_and_find_skills(toloka: TolokaClient) -> None:
    name = unique("Area selection of road signs")
    created = toloka.create_skill(name=name, public_requester_description={"EN": "Tolokers annotate road signs"},
                                  skill_ttl_hours=24)
    assert created.id and created.id.isdigit()
    assert (created.name, created.hidden, created.training, created.skill_ttl_hours) == (name, True, False, 24)
    assert created.owner.id == toloka.get_requester().id and created.owner.myself
    assert created.created is not None
    assert toloka.get_skill(created.id) == created

    created.hidden = False
    created.private_comment = "for the signs project"
    updated = toloka.update_skill(skill_id=created.id, skill=created)
    assert (updated.hidden, updated.private_comment) == (False, "for the signs project")
    assert (updated.id, updated.created, updated.owner) == (created.id, created.created, created.owner)
    assert toloka.get_skill(created.id) == updated

    assert next(toloka.get_skills(name=name), None) == updated, "the tutorials' way to look a skill up"
    assert next(toloka.get_skills(name=unique("no such skill")), None) is None
    found = toloka.find_skills(name=name, sort=["-created", "-id"], limit=10)
    assert (found.items, found.has_more) == ([updated], False)


def test_get_skills_pages_through_every_skill(toloka: TolokaClient) -> None:
    made = [toloka.create_skill(name=unique("paged")) for _ in range(5)]
    first = made[0]
    paged = list(toloka.get_skills(id_gte=first.id, batch_size=2))
    ids = [skill.id for skill in paged]
    assert ids == sorted(ids, key=int) and len(set(ids)) == len(ids)
    assert [skill.id for skill in made] == [skill_id for skill_id in ids if skill_id in {s.id for s in made}]
    newest = toloka.find_skills(created_gte=first.created, sort=["-id"], limit=100)
    assert [skill.id for skill in newest.items][-5:] == [skill.id for skill in reversed(made)]


def test_a_skill_needs_a_name(toloka: TolokaClient) -> None:
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_skill(Skill(hidden=True))
    assert codes(refused.value.payload) == {"name": "VALUE_REQUIRED"}


# User skills.


def test_set_get_find_and_delete_user_skills(toloka: TolokaClient, scene: Scene) -> None:
    skill = toloka.create_skill(name=unique("accuracy"))
    first = toloka.set_user_skill(skill_id=skill.id, user_id=scene.ann, value=Decimal("80.5"))
    assert isinstance(first, UserSkill)
    assert (first.skill_id, first.user_id, first.value, first.exact_value) == (skill.id, scene.ann, 81,
                                                                               Decimal("80.5"))
    assert first.created == first.modified
    assert toloka.get_user_skill(first.id) == first

    again = toloka.set_user_skill(skill_id=skill.id, user_id=scene.ann, value=Decimal(40))
    assert (again.id, again.value, again.exact_value, again.created) == (first.id, 40, 40, first.created)
    assert again.modified >= first.modified
    bob = toloka.set_user_skill(skill_id=skill.id, user_id=scene.bob, value=Decimal("99.4"))
    assert bob.value == 99, "a worker of the requester's pools may be given a skill too"

    assert list(toloka.get_user_skills(skill_id=skill.id)) == [again, bob]
    assert list(toloka.get_user_skills(skill_id=skill.id, batch_size=1)) == [again, bob]
    found = toloka.find_user_skills(user_id=scene.bob, skill_id=skill.id, sort=["-modified"], limit=5)
    assert (found.items, found.has_more) == ([bob], False)
    assert toloka.find_user_skills(skill_id=skill.id, modified_gt=bob.modified).items == []

    toloka.delete_user_skill(first.id)
    with pytest.raises(DoesNotExistApiError):
        toloka.get_user_skill(first.id)
    assert list(toloka.get_user_skills(skill_id=skill.id)) == [bob]


def test_a_user_skill_names_a_skill_and_a_performer_of_the_requester(toloka: TolokaClient, scene: Scene) -> None:
    skill = toloka.create_skill(name=unique("strict"))
    with pytest.raises(ValidationApiError) as refused:
        toloka.set_user_skill(skill_id="987654321", user_id=scene.carl, value=Decimal(10))
    assert codes(refused.value.payload) == {"skill_id": "ENTITY_DOES_NOT_EXIST", "user_id": "ENTITY_DOES_NOT_EXIST"}
    with pytest.raises(ValidationApiError) as refused:
        toloka.set_user_skill(skill_id=skill.id, user_id=scene.ann, value=Decimal("100.5"))
    assert codes(refused.value.payload) == {"value": "VALUE_GREATER_THAN_MAX"}


# User restrictions.


def test_set_get_find_and_delete_user_restrictions(toloka: TolokaClient, scene: Scene) -> None:
    expires = datetime.datetime(2030, 1, 1, 12, 30)
    project = ProjectUserRestriction(user_id=scene.ann, project_id=scene.pool.project_id, private_comment="bad",
                                     will_expire=expires)
    made = toloka.set_user_restriction(project)
    assert isinstance(made, ProjectUserRestriction)
    assert (made.user_id, made.project_id, made.private_comment, made.scope) == (
        scene.ann, scene.pool.project_id, "bad", UserRestriction.PROJECT)
    assert made.will_expire.replace(tzinfo=None) == expires
    assert made.id and made.created is not None
    assert toloka.get_user_restriction(made.id) == made

    again = toloka.set_user_restriction(ProjectUserRestriction(user_id=scene.ann, project_id=scene.pool.project_id,
                                                               private_comment="worse"))
    assert (again.id, again.private_comment, again.will_expire, again.created) == (made.id, "worse", None,
                                                                                   made.created)
    in_pool = toloka.set_user_restriction(PoolUserRestriction(user_id=scene.bob, pool_id=scene.pool.id))
    assert isinstance(in_pool, PoolUserRestriction) and in_pool.pool_id == scene.pool.id
    everywhere = toloka.set_user_restriction(AllProjectsUserRestriction(user_id=scene.ann))
    assert isinstance(everywhere, AllProjectsUserRestriction) and everywhere.id not in (made.id, in_pool.id)

    anns = list(toloka.get_user_restrictions(user_id=scene.ann))
    assert anns == [again, everywhere]
    found = toloka.find_user_restrictions(scope="PROJECT", user_id=scene.ann, project_id=scene.pool.project_id,
                                          sort=["-created"], limit=10)
    assert (found.items, found.has_more) == ([again], False)
    assert list(toloka.get_user_restrictions(pool_id=scene.pool.id)) == [in_pool]
    assert list(toloka.get_user_restrictions(scope="ALL_PROJECTS", user_id=scene.ann, batch_size=1)) == [everywhere]

    toloka.delete_user_restriction(everywhere.id)
    with pytest.raises(DoesNotExistApiError):
        toloka.get_user_restriction(everywhere.id)
    assert list(toloka.get_user_restrictions(user_id=scene.ann)) == [again]


def test_a_restriction_names_the_requesters_performer_and_target(toloka: TolokaClient, scene: Scene,
                                                                 other: Other) -> None:
    with pytest.raises(ValidationApiError) as refused:
        toloka.set_user_restriction(PoolUserRestriction(user_id=scene.carl, pool_id=other.pool.id,
                                                        private_comment="x" * 500))
    assert codes(refused.value.payload) == {"user_id": "ENTITY_DOES_NOT_EXIST", "pool_id": "ENTITY_DOES_NOT_EXIST",
                                            "private_comment": "STRING_LENGTH_GREATER_THAN_MAX"}
    with pytest.raises(ValidationApiError) as refused:
        toloka.set_user_restriction(ProjectUserRestriction(user_id=scene.ann, project_id=other.pool.project_id))
    assert codes(refused.value.payload) == {"project_id": "ENTITY_DOES_NOT_EXIST"}


# User bonuses.


def bonus(user_id: str, amount: str, **fields: object) -> UserBonus:
    return UserBonus(user_id=user_id, amount=Decimal(amount), public_title={"EN": "Good job!"},
                     public_message={"EN": "Ten tasks were completed"}, **fields)


def same_bonus(got: UserBonus, sent: UserBonus) -> None:
    """The created bonus is the one sent, with an id and a time."""
    assert len(got.id) == BONUS_ID_WIDTH and got.id.isdigit()
    assert got.created is not None
    for name in ("user_id", "amount", "public_title", "public_message", "assignment_id", "private_comment"):
        assert getattr(got, name) == getattr(sent, name), name
    assert got.without_message is (sent.without_message or False)


def test_create_user_bonus_sync_and_async(toloka: TolokaClient, scene: Scene) -> None:
    sent = bonus(scene.bob, "0.50", assignment_id=scene.assignment, private_comment=unique("sync"))
    made = toloka.create_user_bonus(sent, async_mode=False)
    same_bonus(made, sent)
    assert toloka.get_user_bonus(made.id) == made

    later = bonus(scene.ann, "1", without_message=True)
    through_operation = toloka.create_user_bonus(later)
    same_bonus(through_operation, later)
    assert toloka.get_user_bonus(through_operation.id) == through_operation
    assert int(through_operation.id) > int(made.id)


def test_create_user_bonuses_reads_them_back_by_index(toloka: TolokaClient, scene: Scene) -> None:
    comment = unique("batch")
    sent = [bonus(scene.ann if number % 2 else scene.bob, f"0.{number + 10}", private_comment=comment)
            for number in range(12)]
    result = toloka.create_user_bonuses(sent)
    assert isinstance(result, UserBonusBatchCreateResult)
    assert result.validation_errors == {}
    assert sorted(result.items, key=int) == [str(number) for number in range(12)]
    for index, made in result.items.items():
        same_bonus(made, sent[int(index)])
    ids = [result.items[str(number)].id for number in range(12)]
    assert ids == sorted(ids), "string order is creation order"
    assert list(toloka.get_user_bonuses(private_comment=comment)) == [result.items[str(n)] for n in range(12)]
    page = toloka.find_user_bonuses(private_comment=comment, user_id=scene.ann, sort=["-id"], limit=3)
    assert [made.id for made in page.items] == [ids[11], ids[9], ids[7]] and page.has_more

    synchronous = toloka.create_user_bonuses(sent[:2], async_mode=False)
    assert sorted(synchronous.items) == ["0", "1"] and synchronous.validation_errors == {}


def test_invalid_bonuses_are_reported_by_index(toloka: TolokaClient, scene: Scene) -> None:
    comment = unique("invalid")
    good = bonus(scene.ann, "0.25", private_comment=comment)
    bad = [bonus(scene.carl, "0.25", private_comment=comment), bonus(scene.ann, "-1", private_comment=comment),
           bonus(scene.ann, "1", assignment_id=scene.assignment, private_comment=comment)]
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_user_bonuses([good, *bad])
    assert {index: codes(errors) for index, errors in refused.value.payload.items()} == {
        "1": {"user_id": "ENTITY_DOES_NOT_EXIST"}, "2": {"amount": "VALUE_LESS_THAN_MIN"},
        "3": {"assignment_id": "INVALID_VALUE"}}
    assert list(toloka.get_user_bonuses(private_comment=comment)) == [], "nothing is created"

    skipped = toloka.create_user_bonuses([good, *bad], skip_invalid_items=True)
    assert list(skipped.items) == ["0"]
    assert sorted(skipped.validation_errors) == ["1", "2", "3"]
    assert error_code(skipped.validation_errors["2"]["amount"]) == "VALUE_LESS_THAN_MIN"
    with pytest.raises(ValidationApiError) as refused:
        toloka.create_user_bonus(bad[0])
    assert codes(refused.value.payload["0"]) == {"user_id": "ENTITY_DOES_NOT_EXIST"}
    assert list(toloka.get_user_bonuses(private_comment=comment)) == [skipped.items["0"]]


def test_a_repeated_operation_id_creates_nothing_twice(toloka: TolokaClient, scene: Scene) -> None:
    comment = unique("once")
    sent = [bonus(scene.ann, "2", private_comment=comment), bonus(scene.bob, "3", private_comment=comment)]
    operation_id = uuid.uuid4()
    started = toloka.create_user_bonuses_async(sent, operation_id=operation_id)
    assert isinstance(started, UserBonusCreateBatchOperation)
    done = toloka.wait_operation(started)
    assert done.status.value == "SUCCESS" and done.id == str(operation_id)
    assert (done.details.total_count, done.details.valid_count, done.details.not_valid_count,
            done.details.success_count, done.details.failed_count) == (2, 2, 0, 2, 0)
    again = toloka.create_user_bonuses_async(sent, operation_id=operation_id)
    assert (again.id, again.status) == (done.id, done.status)
    result = toloka.create_user_bonuses(sent, operation_id=operation_id)
    assert sorted(result.items) == ["0", "1"]
    log = toloka.get_operation_log(done.id)
    assert [item.output["user_bonus_id"] for item in log] == [result.items["0"].id, result.items["1"].id]
    assert [item.type for item in log] == ["USER_BONUS_PERSIST"] * 2
    assert len(list(toloka.get_user_bonuses(private_comment=comment))) == 2

    other_batch = toloka.create_user_bonuses_async(sent[:1], operation_id=operation_id)
    assert other_batch.id == done.id, "toloka-kit takes the 409 OPERATION_ALREADY_EXISTS and reads the operation"
    synchronous_id = uuid.uuid4()
    first = toloka.create_user_bonus(sent[0], async_mode=False, operation_id=synchronous_id)
    assert toloka.create_user_bonus(sent[0], async_mode=False, operation_id=synchronous_id) == first
    assert len(list(toloka.get_user_bonuses(private_comment=comment))) == 3


# Another requester.


def test_another_requester_finds_none_of_it(toloka: TolokaClient, scene: Scene, other: Other,
                                            maker: Maker) -> None:
    skill = toloka.create_skill(name=unique("private"))
    user_skill = toloka.set_user_skill(skill_id=skill.id, user_id=scene.ann, value=Decimal(50))
    restriction = toloka.set_user_restriction(PoolUserRestriction(user_id=scene.ann, pool_id=scene.pool.id))
    made = toloka.create_user_bonus(bonus(scene.ann, "0.5"), async_mode=False)
    stranger = other.client
    for read in (lambda: stranger.get_skill(skill.id), lambda: stranger.get_user_skill(user_skill.id),
                 lambda: stranger.get_user_restriction(restriction.id), lambda: stranger.get_user_bonus(made.id),
                 lambda: stranger.delete_user_skill(user_skill.id),
                 lambda: stranger.delete_user_restriction(restriction.id),
                 lambda: stranger.update_skill(skill.id, skill)):
        with pytest.raises(DoesNotExistApiError):
            read()
    assert stranger.find_skills(name=skill.name).items == []
    assert stranger.find_user_skills(skill_id=skill.id).items == []
    assert stranger.find_user_restrictions(pool_id=scene.pool.id).items == []
    assert stranger.find_user_bonuses(user_id=scene.ann).items == []
    with pytest.raises(ValidationApiError) as refused:
        stranger.set_user_skill(skill_id=skill.id, user_id=scene.ann, value=Decimal(1))
    assert codes(refused.value.payload) == {"skill_id": "ENTITY_DOES_NOT_EXIST", "user_id": "ENTITY_DOES_NOT_EXIST"}
    with pytest.raises(ValidationApiError) as refused:
        stranger.set_user_restriction(ProjectUserRestriction(user_id=scene.bob, project_id=scene.pool.project_id))
    assert codes(refused.value.payload) == {"project_id": "ENTITY_DOES_NOT_EXIST"}, "Bob is its own; the project is not"
    with pytest.raises(ValidationApiError) as refused:
        stranger.create_user_bonus(bonus(scene.bob, "1", assignment_id=scene.assignment), async_mode=False)
    assert codes(refused.value.payload) == {"assignment_id": "ENTITY_DOES_NOT_EXIST"}
    assert toloka.get_user_restriction(restriction.id) == restriction
    assert toloka.get_user_skill(user_skill.id) == user_skill
