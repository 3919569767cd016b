"""Each collector's rule, added with toloka-kit 1.2.3 objects, fires exactly when its conditions first
hold and not one event before: performers on `talaka.Performer` act one step at a time, and after
each step the test looks at whether they may still take a suite.

Every test makes its own project, pool and performers on the session's server (SQLite and
PostgreSQL).
"""

from __future__ import annotations

import time
import uuid

import toloka.client.filter as f
from toloka.client import Pool, TolokaClient, actions, collectors, conditions

from tests.e2e.crowd import truth
from tests.e2e.quality import (
    People,
    answer_suite,
    assert_banned,
    assert_free,
    pool_with_rules,
    refused_reason,
    wait_for_status,
    wrong,
)


def ban(scope: str = "POOL", comment: str = "quality") -> actions.RestrictionV2:
    return actions.RestrictionV2(scope=scope, duration=1, duration_unit="DAYS", private_comment=comment)


def test_golden_set_bans_on_the_third_wrong_control_answer(toloka: TolokaClient, people: People) -> None:
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.GoldenSet(history_size=5),
            conditions=[conditions.GoldenSetAnswersCount >= 3, conditions.GoldenSetCorrectAnswersRate < 50],
            action=ban())

    pool = pool_with_rules(toloka, rules, general=10, golden=10, golden_per_suite=1)
    stored = toloka.get_pool(pool.id).quality_control.configs[0]
    assert stored.collector_config.uuid is not None  # the server adds one, as Toloka does
    liar, honest = people(2)
    for _ in range(2):
        answer_suite(liar, pool.id, wrong)
        assert_free(liar, pool.id)
    answer_suite(liar, pool.id, wrong)
    assert_banned(liar, pool.id)
    for _ in range(4):
        answer_suite(honest, pool.id)
    assert_free(honest, pool.id)


def test_majority_vote_bans_when_others_outvote_a_performer(toloka: TolokaClient, people: People) -> None:
    """The liar's second wrong answer is judged when the second honest answer makes the majority,
    so it is the other performer's submit that bans them."""
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.MajorityVote(answer_threshold=2, history_size=10),
            conditions=[conditions.TotalAnswersCount >= 2, conditions.CorrectAnswersRate < 50],
            action=ban())

    pool = pool_with_rules(toloka, rules, general=6, overlap=3)
    liar, first, second = people(3)
    for task in range(2):
        answer_suite(liar, pool.id, wrong)
        answer_suite(first, pool.id)
        if task == 1:
            assert_free(liar, pool.id)
        answer_suite(second, pool.id)
    assert_banned(liar, pool.id)
    assert_free(first, pool.id)


def test_fast_submits_ban_on_the_second_fast_one(toloka: TolokaClient, people: People) -> None:
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.AssignmentSubmitTime(history_size=5, fast_submit_threshold_seconds=2),
            conditions=[conditions.FastSubmittedCount >= 2],
            action=ban())

    pool = pool_with_rules(toloka, rules, general=10)
    (hasty,) = people(1)
    taken = hasty.take(pool.id)
    time.sleep(2.2)  # a careful suite: slower than the threshold
    hasty.submit(taken.id, [{"result": truth(task.input_values["image"])} for task in taken.tasks])
    answer_suite(hasty, pool.id)
    assert_free(hasty, pool.id)
    answer_suite(hasty, pool.id)
    assert_banned(hasty, pool.id)


def test_skipped_in_a_row_bans_on_the_third_skip_after_a_submit(toloka: TolokaClient, people: People) -> None:
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.SkippedInRowAssignments(),
            conditions=[conditions.SkippedInRowCount >= 3],
            action=ban())

    pool = pool_with_rules(toloka, rules, general=10)
    (skipper,) = people(1)
    for _ in range(2):
        skipper.skip(skipper.take(pool.id).id)
    answer_suite(skipper, pool.id)  # a submit ends the row
    for _ in range(2):
        skipper.skip(skipper.take(pool.id).id)
        assert_free(skipper, pool.id)
    skipper.skip(skipper.take(pool.id).id)
    assert_banned(skipper, pool.id)


def test_acceptance_rate_after_rejections_bans_from_all_projects(toloka: TolokaClient,
                                                                 people: People) -> None:
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.AcceptanceRate(),
            conditions=[conditions.TotalAssignmentsCount >= 2, conditions.RejectedAssignmentsRate > 50],
            action=actions.RestrictionV2(scope="ALL_PROJECTS", duration_unit="PERMANENT",
                                         private_comment="rejected too often"))

    pool = pool_with_rules(toloka, rules, general=10, auto_accept=False)
    elsewhere = pool_with_rules(toloka, lambda pool: None, general=3)
    (sloppy,) = people(1)
    submitted = [answer_suite(sloppy, pool.id, wrong) for _ in range(3)]
    toloka.accept_assignment(submitted[0].id, "fine")
    toloka.reject_assignment(submitted[1].id, "wrong")
    assert_free(sloppy, pool.id)  # 1 of 2 rejected: 50%, not above it
    toloka.reject_assignment(submitted[2].id, "wrong again")
    assert_banned(sloppy, pool.id)
    assert_banned(sloppy, elsewhere.id)  # another project of the same requester


def test_answer_count_bans_after_the_third_accepted_suite(toloka: TolokaClient, people: People) -> None:
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.AnswerCount(), conditions=[conditions.AssignmentsAcceptedCount >= 3],
            action=ban(comment="enough from one person"))

    pool = pool_with_rules(toloka, rules, general=10)
    (eager,) = people(1)
    for _ in range(2):
        answer_suite(eager, pool.id)
        assert_free(eager, pool.id)
    answer_suite(eager, pool.id)
    assert_banned(eager, pool.id)


def test_income_in_24_hours_bans_at_the_limit(toloka: TolokaClient, people: People) -> None:
    def rules(pool: Pool) -> None:  # the tutorial pool pays 0.01 a suite
        pool.quality_control.add_action(
            collector=collectors.Income(), conditions=[conditions.IncomeSumForLast24Hours >= 0.03],
            action=ban(comment="earned enough today"))

    pool = pool_with_rules(toloka, rules, general=10)
    (earner,) = people(1)
    for _ in range(2):
        answer_suite(earner, pool.id)
        assert_free(earner, pool.id)
    answer_suite(earner, pool.id)
    assert_banned(earner, pool.id)


def test_a_rejection_reissues_the_task_and_reopens_the_completed_pool(toloka: TolokaClient,
                                                                      people: People) -> None:
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.AssignmentsAssessment(),
            conditions=[conditions.AssessmentEvent == conditions.AssessmentEvent.REJECT],
            action=actions.ChangeOverlap(delta=1, open_pool=True))

    pool = pool_with_rules(toloka, rules, general=2, auto_accept=False)
    first, second = people(2)
    done = [answer_suite(first, pool.id, wrong) for _ in range(2)]
    closed = wait_for_status(toloka, pool.id, closed=True)
    assert closed.last_close_reason == Pool.CloseReason.COMPLETED
    rejected = toloka.reject_assignment(done[0].id, "wrong label")
    assert toloka.get_pool(pool.id).is_open()
    task = toloka.get_task(done[0].tasks[0].id)
    assert (task.overlap, task.remaining_overlap) == (2, 1)
    again = answer_suite(second, pool.id)
    assert [item.id for item in again.tasks] == [item.id for item in done[0].tasks]
    assert rejected.status.value == "REJECTED"
    wait_for_status(toloka, pool.id, closed=True)


def test_reject_all_and_approve_all_by_golden_set_in_a_review_pool(toloka: TolokaClient,
                                                                  people: People) -> None:
    def rules(pool: Pool) -> None:
        golden = collectors.GoldenSet()
        pool.quality_control.add_action(
            collector=golden, conditions=[conditions.GoldenSetAnswersCount >= 2,
                                          conditions.GoldenSetCorrectAnswersRate < 50],
            action=actions.RejectAllAssignments(public_comment="Control answers were wrong"))
        pool.quality_control.add_action(
            collector=golden, conditions=[conditions.GoldenSetAnswersCount >= 2,
                                          conditions.GoldenSetCorrectAnswersRate >= 50],
            action=actions.ApproveAllAssignments())

    pool = pool_with_rules(toloka, rules, general=10, golden=10, golden_per_suite=1, auto_accept=False)
    assert len(toloka.get_pool(pool.id).quality_control.configs) == 1  # add_action grouped both rules
    liar, honest = people(2)
    lies = [answer_suite(liar, pool.id, wrong).id for _ in range(2)]
    truths = [answer_suite(honest, pool.id).id for _ in range(2)]
    assert [toloka.get_assignment(id).status.value for id in lies] == ["REJECTED", "REJECTED"]
    assert toloka.get_assignment(lies[0]).public_comment == "Control answers were wrong"
    assert [toloka.get_assignment(id).status.value for id in truths] == ["ACCEPTED", "ACCEPTED"]
    third = answer_suite(liar, pool.id, wrong)  # the rule holds again: the new suite is rejected too
    assert toloka.get_assignment(third.id).status.value == "REJECTED"


def test_golden_set_sets_a_skill_and_the_skill_opens_a_second_pool(toloka: TolokaClient, people: People) -> None:
    skill = toloka.create_skill(name=f"Cat exam {uuid.uuid4().hex[:6]}", hidden=True)

    def exam_rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.GoldenSet(), conditions=[conditions.GoldenSetAnswersCount >= 2],
            action=actions.SetSkillFromOutputField(skill_id=skill.id, from_field="correct_answers_rate"))

    def for_the_skilled(pool: Pool) -> None:
        pool.filter = f.Skill(skill.id) >= 50

    exam = pool_with_rules(toloka, exam_rules, general=10, golden=10, golden_per_suite=1)
    work = pool_with_rules(toloka, for_the_skilled, general=10)
    good, poor = people(2)
    assert refused_reason(good, work.id) == "FILTER"
    answer_suite(good, exam.id)
    assert refused_reason(good, work.id) == "FILTER"  # one control answer: the rule needs two
    answer_suite(good, exam.id)
    for _ in range(2):
        answer_suite(poor, exam.id, wrong)
    assert work.id in {offer.pool_id for offer in good.pools()}
    assert refused_reason(good, work.id) is None
    assert refused_reason(poor, work.id) == "FILTER"
    values = {item.user_id: float(item.exact_value) for item in toloka.get_user_skills(skill_id=skill.id)}
    assert values == {good.me().id: 100.0, poor.me().id: 0.0}


def test_a_ban_reissues_the_banned_performers_tasks_to_others(toloka: TolokaClient, people: People) -> None:
    def rules(pool: Pool) -> None:
        pool.quality_control.add_action(
            collector=collectors.GoldenSet(),
            conditions=[conditions.GoldenSetAnswersCount >= 2, conditions.GoldenSetCorrectAnswersRate < 50],
            action=ban())
        pool.quality_control.add_action(
            collector=collectors.UsersAssessment(),
            conditions=[conditions.PoolAccessRevokedReason == conditions.PoolAccessRevokedReason.RESTRICTION],
            action=actions.ChangeOverlap(delta=1, open_pool=True))

    pool = pool_with_rules(toloka, rules, general=4, golden=10, golden_per_suite=1)
    liar, honest = people(2)
    suites = [answer_suite(liar, pool.id, wrong) for _ in range(2)]
    assert_banned(liar, pool.id)
    lied = {task.id for suite in suites for task in suite.tasks if task.id in general_ids(toloka, pool.id)}
    assert {task.id: task.overlap for task in toloka.get_tasks(pool_id=pool.id) if task.id in lied} == dict.fromkeys(
        lied, 2)
    redone: set[str] = set()
    for _ in range(4):
        redone |= {task.id for task in answer_suite(honest, pool.id).tasks}
    assert lied <= redone


def general_ids(toloka: TolokaClient, pool_id: str) -> set[str]:
    return {task.id for task in toloka.get_tasks(pool_id=pool_id) if not task.known_solutions}
