"""The users part of the store on both backends: bonus batches and their operations, restrictions and
user skills written by upsert, and which performers a requester may name.

A bonus operation names its bonuses by an id range and pairs them, in order, with the items it did not
refuse, so one batch's ids must be consecutive even when batches are written at the same time
(PostgreSQL locks the table for it; SQLite's one writer runs them one after another).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from talaka.core.bonuses import OPERATION_TYPE, bonus_id, details
from talaka.core.errors import FieldError
from talaka.core.ids import new_operation_id
from talaka.core.performers import Profile
from talaka.core.timefmt import now_text
from talaka.store import open_store, users
from talaka.store.base import OperationRecord, Store
from talaka.store.search import Search

PROFILE = Profile("someone", ("EN",), None, False)
PROJECT = msgspec.json.encode({"public_name": "p", "task_spec": {"input_spec": {}, "output_spec": {}}})
POOL = msgspec.json.encode({"private_name": "pool"})


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    run(opened.start())
    yield opened
    run(opened.close())


async def requester(store: Store, name: str) -> int:
    return (await store.create_requester(name, os.urandom(16))).id


async def performer(store: Store, requester_id: int | None) -> tuple[str, int]:
    made = await store.create_performer(os.urandom(16).hex(), PROFILE, os.urandom(16), requester_id)
    return made.id, made.no


def operation(requester_id: int, total: int, valid: int, created: int) -> OperationRecord:
    now = now_text()
    return OperationRecord(no=0, id=new_operation_id(), requester_id=requester_id, type=OPERATION_TYPE,
                           status="SUCCESS" if created else "FAIL", is_sync=False, digest=b"d", submitted=now,
                           started=now, finished=now, progress=100, cursor=0,
                           parameters=b'{"skip_invalid_items":true}', details=details(total, valid, created))


def bonus_row(performer_no: int, amount: float) -> tuple[int, None, float, str, bytes]:
    now = now_text()
    return performer_no, None, amount, now, msgspec.json.encode({"amount": amount, "created": now})


def test_a_bonus_operation_pairs_its_bonuses_with_the_items_it_kept(store: Store) -> None:
    async def scenario() -> None:
        owner = await requester(store, "owner")
        _, no = await performer(store, owner)
        refused = {1: (b'{"amount":-1}', {"amount": FieldError("VALUE_LESS_THAN_MIN", "too small", [0.01])}),
                   3: (b'{"value":5}', {"user_bonus": FieldError("OBJECT_EXPECTED", "not an object")})}
        record = operation(owner, 5, 3, 3)
        op_no = await store.create_bonuses(record, [bonus_row(no, amount) for amount in (1.0, 2.0, 3.0)], refused)
        assert op_no is not None
        record.no = op_no
        created, problems = await store.bonus_outcome(record)
        assert [(idx, msgspec.json.decode(body)["amount"]) for idx, _, body in created] == [(0, 1.0), (2, 2.0),
                                                                                            (4, 3.0)]
        numbers = [int(object_id) for _, object_id, _ in created]
        assert numbers == list(range(numbers[0], numbers[0] + 3))
        assert sorted(problems) == [1, 3]
        assert msgspec.json.decode(problems[1][1]) == {"amount": {"code": "VALUE_LESS_THAN_MIN",
                                                                  "message": "too small", "params": [0.01]}}
        log = msgspec.json.decode(await store.engine.read(users.bonus_log, store.d, record))
        assert [(item["type"], item["input"]["__item_idx"]) for item in log] == [
            ("USER_BONUS_PERSIST", "0"), ("USER_BONUS_VALIDATE", "1"), ("USER_BONUS_PERSIST", "2"),
            ("USER_BONUS_VALIDATE", "3"), ("USER_BONUS_PERSIST", "4")]
        assert log[2]["output"] == {"user_bonus_id": bonus_id(numbers[1])}
        assert log[3]["input"] == {"__item_idx": "3", "value": 5}

        taken = operation(owner, 1, 1, 1)
        taken.id = record.id
        assert await store.create_bonuses(taken, [bonus_row(no, 9.0)], {}) is None, "the operation id is taken"
        found, more = await store.find_bonuses(owner, Search(limit=100))
        assert (len(found), more) == (3, False), "and nothing of the second batch was written"

    run(scenario())


def test_batches_written_together_keep_their_ids_together(store: Store) -> None:
    async def scenario() -> None:
        owners = [await requester(store, f"owner {number}") for number in range(4)]
        numbers = [(await performer(store, owner))[1] for owner in owners]
        records = [operation(owner, 20, 20, 20) for owner in owners for _ in range(3)]
        rows = [[bonus_row(numbers[index // 3], float(index * 100 + item)) for item in range(20)]
                for index in range(len(records))]
        ops = await asyncio.gather(*(store.create_bonuses(record, batch, {})
                                     for record, batch in zip(records, rows, strict=True)))
        for index, (record, op_no) in enumerate(zip(records, ops, strict=True)):
            assert op_no is not None
            record.no = op_no
            created, _ = await store.bonus_outcome(record)
            assert [msgspec.json.decode(body)["amount"] for _, _, body in created] == [
                float(index * 100 + item) for item in range(20)]

    run(scenario())


def test_restrictions_and_user_skills_are_upserts(store: Store) -> None:
    async def scenario() -> None:
        owner = await requester(store, "owner")
        project = await store.create_project(owner, PROJECT, now_text())
        pool = await store.create_pool(owner, project, POOL, now_text())
        user_id, no = await performer(store, owner)
        first = msgspec.json.decode(await store.put_restriction(owner, no, "POOL", pool, None, "one", now_text()))
        again = msgspec.json.decode(await store.put_restriction(owner, no, "POOL", pool, "2030-01-01T00:00:00.000000",
                                                                None, now_text()))
        assert (again["id"], again["created"], again["will_expire"]) == (first["id"], first["created"],
                                                                          "2030-01-01T00:00:00.000000")
        assert "private_comment" not in again
        other = msgspec.json.decode(await store.put_restriction(owner, no, "PROJECT", project, None, None,
                                                                now_text()))
        assert other["id"] != first["id"] and other["project_id"] == str(project)
        by_pool, _ = await store.find_restrictions(owner, Search(equals={"pool_id": pool}))
        by_project, _ = await store.find_restrictions(owner, Search(equals={"project_id": project}))
        assert [msgspec.json.decode(item)["id"] for item in by_pool] == [first["id"]]
        assert [msgspec.json.decode(item)["id"] for item in by_project] == [other["id"]]
        assert await store.delete_restriction(owner + 1, int(first["id"])) is False
        assert await store.delete_restriction(owner, int(first["id"])) is True

        skill = await store.create_skill(owner, "s", b'{"name":"s"}', now_text())
        set_once = await store.put_user_skill(owner, skill, no, 12.5, now_text())
        set_twice = await store.put_user_skill(owner, skill, no, 99.5, now_text())
        assert set_once is not None and set_twice is not None
        once, twice = msgspec.json.decode(set_once), msgspec.json.decode(set_twice)
        assert (twice["id"], twice["value"], twice["exact_value"], twice["user_id"]) == (once["id"], 100, 99.5,
                                                                                         user_id)
        assert await store.put_user_skill(owner + 1, skill, no, 1.0, now_text()) is None, "not its skill"

    run(scenario())


def test_a_requester_may_name_the_performers_it_made(store: Store) -> None:
    async def scenario() -> None:
        owner, stranger = await requester(store, "owner"), await requester(store, "stranger")
        mine = [await performer(store, owner) for _ in range(3)]
        theirs = await performer(store, stranger)
        nobodys = await performer(store, None)
        asked = {user_id for user_id, _ in [*mine, theirs, nobodys]} | {f"{number:032x}" for number in range(600)}
        known = await store.known_performers(owner, asked)
        assert known == dict(mine), "asked in chunks, found only its own"
        assert await store.known_performers(stranger, asked) == dict([theirs])

    run(scenario())
