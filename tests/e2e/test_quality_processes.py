"""A ban set by one server process is enforced by another before the banned performer's next take:
rules run in the transaction of the submit that feeds them, and every take reads restrictions in its
own transaction, so there is no cache to go stale between processes sharing one PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from toloka.client import Pool, TolokaClient, actions, collectors, conditions

import talaka
from tests.e2e.crowd import new_performers
from tests.e2e.quality import answer_suite, assert_banned, assert_free, pool_with_rules, wrong
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


@pytest.mark.parametrize("server", ["postgres"], indirect=True)
def test_a_judgement_made_while_the_performers_counts_are_busy_bans_at_their_next_take(
        toloka: TolokaClient, server: ServerProcess) -> None:
    """The liar's own transaction holds their counts (here: a connection holding the row lock) when
    the second honest answer makes the majority: the judgement waits in `quality_pending`, and the
    liar's next take counts it, bans them and is refused."""
    import psycopg

    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.MajorityVote(answer_threshold=2),
            conditions=[conditions.TotalAnswersCount >= 1, conditions.CorrectAnswersRate < 50],
            action=actions.RestrictionV2(scope="POOL", duration=1, duration_unit="DAYS"))

    pool = pool_with_rules(toloka, rules, general=4, overlap=3)
    (liar_id, liar_token), (_, first_token), (_, second_token) = new_performers(server, 3)
    with (talaka.Performer(server.url, liar_token) as liar, talaka.Performer(server.url, first_token) as first,
          talaka.Performer(server.url, second_token) as second, psycopg.connect(server.database_url) as db):
        answer_suite(liar, pool.id, wrong)
        answer_suite(first, pool.id)
        db.execute("SELECT state FROM quality_state WHERE pool_id = %s AND performer_no = "
                   "(SELECT no FROM performers WHERE id = %s) FOR UPDATE", (int(pool.id), liar_id))
        answer_suite(second, pool.id)  # the majority: the liar's answer is judged, their counts are busy
        assert db.execute("SELECT count(*) FROM quality_pending").fetchone()[0] >= 1
        db.rollback()
        assert_banned(liar, pool.id)
        assert db.execute("SELECT count(*) FROM quality_pending WHERE pool_id = %s",
                          (int(pool.id),)).fetchone()[0] == 0
