"""Pool filters decide who is offered a pool and who may take from it: profile keys (languages,
country, adult_allowed), the computed client_type, and the requester's skills (comparisons, and
`EQ null` for "has no value"). Filters are set with toloka-kit 1.2.3's filter objects."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
import toloka.client.filter as f
from toloka.client import Pool, TolokaClient

import talaka
from tests.e2e.quality import pool_with_rules, refused_reason
from tests.support.server import ServerProcess

PROFILES = {
    "ann": {"languages": ["EN"], "country": "GB", "adult_allowed": False},
    "bob": {"languages": ["RU", "EN"], "country": "RU", "adult_allowed": True},
    "cid": {"languages": ["FR"], "adult_allowed": False},
}


@pytest.fixture
def crowd(server: ServerProcess) -> Iterator[dict[str, tuple[str, talaka.Performer]]]:
    """Three performers with different profiles: name -> (user id, client)."""
    made = {}
    with httpx.Client(base_url=server.url + "/api/v1", headers={"Authorization": f"OAuth {server.token}"}) as api:
        for name, profile in PROFILES.items():
            answer = api.post("/performers", json={"name": name, **profile})
            assert answer.status_code == 201, answer.text
            made[name] = (answer.json()["id"], talaka.Performer(server.url, answer.json()["token"]))
    yield made
    for _, performer in made.values():
        performer.close()


def filtered_pool(toloka: TolokaClient, condition: f.FilterCondition | f.FilterAnd | f.FilterOr) -> str:
    def with_filter(pool: Pool) -> None:
        pool.filter = condition

    return pool_with_rules(toloka, with_filter, general=6).id


def admitted(crowd: dict[str, tuple[str, talaka.Performer]], pool_id: str) -> set[str]:
    """Who is offered the pool; each of them may take a suite and each of the others is refused
    with `FILTER` (the offers and the take must agree)."""
    offered = {name for name, (_, performer) in crowd.items()
               if pool_id in {offer.pool_id for offer in performer.pools()}}
    for name, (_, performer) in crowd.items():
        assert refused_reason(performer, pool_id) == (None if name in offered else "FILTER"), name
    return offered


CASES = [
    (f.Languages.in_("EN"), {"ann", "bob"}),
    (f.Languages.not_in("EN"), {"cid"}),
    (f.Country == "GB", {"ann"}),
    (f.Country != "GB", {"bob", "cid"}),  # no country: NE holds
    (f.AdultAllowed == True, {"bob"}),  # noqa: E712 - toloka-kit's filter objects compare this way
    (f.ClientType == "BROWSER", {"ann", "bob", "cid"}),
    (f.ClientType == "TOLOKA_APP", set()),
    (f.Languages.in_("EN") & (f.Country == "RU"), {"bob"}),
    (f.FilterOr([f.Country == "GB", f.Languages.in_("FR")]), {"ann", "cid"}),
]


@pytest.mark.parametrize(("condition", "expected"), CASES, ids=[str(number) for number in range(len(CASES))])
def test_profile_filters_decide_offers_and_takes(toloka: TolokaClient, crowd: dict[str, tuple[str, talaka.Performer]],
                                                 condition: f.FilterCondition, expected: set[str]) -> None:
    assert admitted(crowd, filtered_pool(toloka, condition)) == expected


def test_skill_filters_read_the_requesters_skills(toloka: TolokaClient,
                                                  crowd: dict[str, tuple[str, talaka.Performer]]) -> None:
    skill = toloka.create_skill(name="Cat spotting", hidden=True)
    toloka.set_user_skill(skill_id=skill.id, user_id=crowd["ann"][0], value=Decimal(90))
    toloka.set_user_skill(skill_id=skill.id, user_id=crowd["bob"][0], value=Decimal(50))
    assert admitted(crowd, filtered_pool(toloka, f.Skill(skill.id) >= 80)) == {"ann"}
    assert admitted(crowd, filtered_pool(toloka, f.Skill(skill.id) < 80)) == {"bob"}  # no value: false
    assert admitted(crowd, filtered_pool(toloka, f.Skill(skill.id) == None)) == {"cid"}  # noqa: E711
    assert admitted(crowd, filtered_pool(toloka, f.Skill(skill.id) != None)) == {"ann", "bob"}  # noqa: E711
    later = filtered_pool(toloka, f.Skill(skill.id) >= 80)
    toloka.set_user_skill(skill_id=skill.id, user_id=crowd["bob"][0], value=Decimal(85))  # takes effect at once
    assert admitted(crowd, later) == {"ann", "bob"}
