"""Skills, user skills, restrictions and bonuses through `talaka.Client` and `talaka.AsyncClient`,
against the session's real server on each backend.

The same calls as toloka-kit's, with the same names: what comes back is what was sent (with ids and
times), what is read later is what came back, and a bonus request sent again with its operation id
creates nothing twice, in either mode.
"""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest

import talaka
from talaka import Skill, UserBonus, UserRestriction
from tests.client.conftest import create_performer
from tests.support.api import client as http_client
from tests.support.api import make_pool
from tests.support.server import ServerProcess


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def new_performer_id(server: ServerProcess) -> str:
    with talaka.Performer(server.url, create_performer(server, unique("sdk"))) as me:
        return me.me().id


@pytest.fixture(scope="module")
def pool_id(server: ServerProcess) -> str:
    with http_client(server.url, server.token) as api:
        return make_pool(api)


def bonus(user_id: str, amount: str, **fields: Any) -> UserBonus:
    return UserBonus(user_id=user_id, amount=Decimal(amount), public_title={"EN": "Thanks"},
                     public_message={"EN": "Well done"}, **fields)


def test_skills(client: talaka.Client) -> None:
    name = unique("Road signs")
    made = client.create_skill(name=name, public_requester_description={"EN": "Signs"})
    assert (made.name, made.hidden, made.training) == (name, True, False)
    assert made.id is not None and made.created is not None and made.owner is not None
    assert client.get_skill(made.id) == made
    updated = client.update_skill(made.id, Skill(name=name, hidden=False, private_comment="visible now"))
    assert (updated.id, updated.hidden, updated.private_comment, updated.created) == (
        made.id, False, "visible now", made.created)
    assert next(client.get_skills(name=name), None) == updated
    assert client.find_skills(name=name, sort="-id", limit=5).items == [updated]
    second = client.create_skill({"name": unique("second")}, skill_ttl_hours=48)
    assert second.skill_ttl_hours == 48
    assert [skill.id for skill in client.get_skills(id_gte=made.id, batch_size=1)][:2] == [made.id, second.id]


def test_user_skills(client: talaka.Client, server: ServerProcess) -> None:
    user_id = new_performer_id(server)
    skill = client.create_skill(name=unique("accuracy"))
    assert skill.id is not None
    first = client.set_user_skill(skill_id=skill.id, user_id=user_id, value=Decimal("79.5"), reason="exam")
    assert (first.value, first.exact_value, first.user_id, first.skill_id) == (80, Decimal("79.5"), user_id,
                                                                               skill.id)
    again = client.set_user_skill(skill_id=skill.id, user_id=user_id, value=60)
    assert (again.id, again.value, again.created) == (first.id, 60, first.created)
    assert again.id is not None
    assert client.get_user_skill(again.id) == again
    assert list(client.get_user_skills(skill_id=skill.id)) == [again]
    assert client.find_user_skills(user_id=user_id, sort=["-modified"]).items == [again]
    client.delete_user_skill(again.id)
    with pytest.raises(talaka.DoesNotExistApiError):
        client.get_user_skill(again.id)
    with pytest.raises(talaka.ValidationApiError) as refused:
        client.set_user_skill(skill_id=skill.id, user_id="0" * 32, value=101)
    assert set(refused.value.payload) == {"user_id", "value"}


def test_user_restrictions(client: talaka.Client, server: ServerProcess, pool_id: str) -> None:
    user_id = new_performer_id(server)
    in_pool = client.set_user_restriction(UserRestriction(scope=UserRestriction.POOL, user_id=user_id,
                                                          pool_id=pool_id, private_comment="slow"))
    assert (in_pool.scope, in_pool.pool_id, in_pool.private_comment) == ("POOL", pool_id, "slow")
    assert in_pool.id is not None
    everywhere = client.set_user_restriction({"scope": "ALL_PROJECTS", "user_id": user_id,
                                              "will_expire": "2031-02-03T04:05:06"})
    assert everywhere.will_expire is not None and everywhere.will_expire.year == 2031
    assert client.get_user_restriction(in_pool.id) == in_pool
    assert list(client.get_user_restrictions(user_id=user_id, batch_size=1)) == [in_pool, everywhere]
    assert client.find_user_restrictions(scope="POOL", pool_id=pool_id, user_id=user_id).items == [in_pool]
    client.delete_user_restriction(in_pool.id)
    assert list(client.get_user_restrictions(user_id=user_id)) == [everywhere]


def test_user_bonuses(client: talaka.Client, server: ServerProcess) -> None:
    user_id = new_performer_id(server)
    comment = unique("sdk")
    one = client.create_user_bonus(bonus(user_id, "0.50", private_comment=comment))
    assert (one.amount, one.user_id, one.without_message) == (Decimal("0.5"), user_id, False)
    assert one.id is not None and len(one.id) == 10
    assert client.get_user_bonus(one.id) == one
    synchronous = client.create_user_bonus(bonus(user_id, "1", private_comment=comment), async_mode=False)
    assert synchronous.id is not None and synchronous.id > one.id

    sent = [bonus(user_id, f"0.{number + 1}", private_comment=comment) for number in range(5)]
    operation_id = uuid.uuid4()
    result = client.create_user_bonuses(sent, operation_id=operation_id)
    assert sorted(result.items) == ["0", "1", "2", "3", "4"] and result.validation_errors == {}
    assert [result.items[str(n)].amount for n in range(5)] == [Decimal(f"0.{n + 1}") for n in range(5)]
    assert client.create_user_bonuses(sent, operation_id=operation_id) == result, "the first result again"
    assert client.create_user_bonuses(sent, operation_id=operation_id, async_mode=False) == result
    assert len(list(client.get_user_bonuses(private_comment=comment))) == 7

    mixed = [bonus(user_id, "2", private_comment=comment), bonus(user_id, "200", private_comment=comment)]
    with pytest.raises(talaka.ValidationApiError) as refused:
        client.create_user_bonuses(mixed)
    assert list(refused.value.payload) == ["1"]
    assert refused.value.payload["1"]["amount"].code == "VALUE_GREATER_THAN_MAX"
    for mode in (True, False):
        skipped = client.create_user_bonuses(mixed, skip_invalid_items=True, async_mode=mode)
        assert list(skipped.items) == ["0"] and list(skipped.validation_errors) == ["1"]
    with pytest.raises(talaka.ValidationApiError) as refused:
        client.create_user_bonus(mixed[1], async_mode=False)
    assert refused.value.payload["amount"].code == "VALUE_GREATER_THAN_MAX"
    assert len(list(client.get_user_bonuses(private_comment=comment, user_id=user_id))) == 9
    page = client.find_user_bonuses(private_comment=comment, sort="-id", limit=2)
    assert len(page.items) == 2 and page.has_more


def test_async_client(server: ServerProcess, pool_id: str) -> None:
    user_id = new_performer_id(server)

    async def scenario() -> None:
        async with talaka.AsyncClient(server.url, server.token) as twin:
            skill = await twin.create_skill(name=unique("async"))
            assert skill.id is not None
            assert [found async for found in twin.get_skills(name=skill.name)] == [skill]
            value = await twin.set_user_skill(skill_id=skill.id, user_id=user_id, value=Decimal(5))
            assert [found async for found in twin.get_user_skills(skill_id=skill.id)] == [value]
            restriction = await twin.set_user_restriction(UserRestriction(scope="POOL", user_id=user_id,
                                                                          pool_id=pool_id))
            assert restriction.id is not None
            assert [found async for found in twin.get_user_restrictions(user_id=user_id)] == [restriction]
            await twin.delete_user_restriction(restriction.id)
            made = await twin.create_user_bonuses([bonus(user_id, "3"), bonus(user_id, "4")])
            assert [found async for found in twin.get_user_bonuses(user_id=user_id)] == [made.items["0"],
                                                                                       made.items["1"]]
            assert (await twin.find_user_bonuses(user_id=user_id, limit=1)).has_more

    asyncio.run(scenario())
