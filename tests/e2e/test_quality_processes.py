"""A ban set by one server process is enforced by another before the banned performer's next take:
rules run in the transaction of the submit that feeds them, and every take reads restrictions in its
own transaction, so there is no cache to go stale between processes sharing one PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from toloka.client import Pool, TolokaClient, actions, collectors, conditions

import talaka
from tests.e2e.crowd import new_performers
from tests.e2e.quality import answer_suite, assert_banned, assert_free, pool_with_rules
from tests.support.server import ServerProcess


@pytest.mark.parametrize("server", ["postgres"], indirect=True)
def test_a_ban_made_in_one_process_holds_in_the_other(toloka: TolokaClient, server: ServerProcess,
                                                      tmp_path: Path) -> None:
    second = ServerProcess(server.database_url, tmp_path / "second.log", token=server.token).start()
    try:
        def rules(pool: Pool) -> None:
            pool.quality_control.add_action(
                collector=collectors.AnswerCount(), conditions=[conditions.AssignmentsAcceptedCount >= 2],
                action=actions.RestrictionV2(scope="PROJECT", duration=1, duration_unit="HOURS"))

        pool = pool_with_rules(toloka, rules, general=10)
        (_, token), = new_performers(server, 1)
        with talaka.Performer(server.url, token) as here, talaka.Performer(second.url, token) as there:
            answer_suite(there, pool.id)  # the second process compiles and keeps the pool's plan
            assert_free(there, pool.id)
            answer_suite(here, pool.id)  # the rule fires in the first process
            assert_banned(there, pool.id)
            assert_banned(here, pool.id)
    finally:
        second.stop()
