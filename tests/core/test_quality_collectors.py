"""What each collector counts for one performer, with and without `history_size`; the state those
counts are stored as; and what makes an answer right (known solutions, the majority)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talaka.core.quality.collectors import Counts, Event, PerformerState, decode_state, encode_state, observe
from talaka.core.quality.config import COLLECTOR_KEYS, NEVER_FIRES, Collector
from talaka.core.quality.correctness import answer_key, credit, majority
from talaka.core.timefmt import format_time

START = datetime(2030, 1, 1, tzinfo=UTC)
NOW = format_time(START)


def at(hours: float, microseconds: int = 0) -> str:
    return format_time(START + timedelta(hours=hours, microseconds=microseconds))


def collector(kind: str, uuid: str = "c1", **parameters: Any) -> Collector:
    return Collector(kind, uuid, parameters.get("history_size"), parameters, ())


def event(kind: str, **fields: Any) -> Event:
    return Event(kind, fields.pop("now", NOW), 1, **fields)


def counts(collected: Collector, state: PerformerState, *events: Event) -> list[dict[str, Any] | None]:
    """The statistics after each event, in order."""
    return [observe(collected, state, one) for one in events]


# --- GOLDEN_SET ---------------------------------------------------------------------------------------

def test_golden_set_counts_every_control_answer_of_a_submit() -> None:
    golden, state = collector("GOLDEN_SET"), PerformerState()
    assert observe(golden, state, event("SUBMITTED", golden_credits=[1.0, 0.0])) == {
        "total_answers_count": 2, "correct_answers_rate": 50.0, "incorrect_answers_rate": 50.0,
        "golden_set_answers_count": 2, "golden_set_correct_answers_rate": 50.0,
        "golden_set_incorrect_answers_rate": 50.0}
    stats = observe(golden, state, event("SUBMITTED", golden_credits=[1.0]))
    assert stats is not None and set(stats) == COLLECTOR_KEYS["GOLDEN_SET"]
    assert stats["golden_set_answers_count"] == stats["total_answers_count"] == 3
    assert stats["correct_answers_rate"] == pytest.approx(200 / 3)
    assert stats["incorrect_answers_rate"] == pytest.approx(100 / 3)


def test_golden_set_partial_credit() -> None:
    stats = observe(collector("GOLDEN_SET"), PerformerState(), event("SUBMITTED", golden_credits=[0.5, 1.0]))
    assert stats is not None
    assert (stats["correct_answers_rate"], stats["incorrect_answers_rate"]) == (75.0, 25.0)


def test_golden_set_history_keeps_the_last_answers() -> None:
    golden, state = collector("GOLDEN_SET", history_size=3), PerformerState()
    submits = [event("SUBMITTED", golden_credits=credits)
               for credits in ([0.0, 0.0], [1.0], [1.0, 1.0], [0.0, 1.0, 0.5, 1.0])]
    rates = [stats and (stats["total_answers_count"], stats["correct_answers_rate"])
             for stats in counts(golden, state, *submits)]
    assert rates == [(2, 0.0), (3, pytest.approx(100 / 3)), (3, 100.0), (3, pytest.approx(250 / 3))]
    assert state.of(golden).items == [1.0, 0.5, 1.0]


def test_golden_set_skips_a_submit_without_control_tasks_and_every_other_event() -> None:
    golden, state = collector("GOLDEN_SET"), PerformerState()
    assert observe(golden, state, event("SUBMITTED")) is None
    for kind in ("SKIPPED", "ACCEPTED", "REJECTED", "JUDGED", "REVOKED"):
        assert observe(golden, state, event(kind, golden_credits=[1.0])) is None
    assert state.counts == {}


# --- MAJORITY_VOTE ------------------------------------------------------------------------------------

def test_majority_vote_counts_answers_judged_for_its_own_uuid() -> None:
    vote, state = collector("MAJORITY_VOTE", "mv", answer_threshold=2), PerformerState()
    assert counts(vote, state, event("SUBMITTED", judged={"mv": [True, False, True]}),
                  event("JUDGED", judged={"mv": [False]})) == [
        {"total_answers_count": 3, "correct_answers_rate": pytest.approx(200 / 3),
         "incorrect_answers_rate": pytest.approx(100 / 3)},
        {"total_answers_count": 4, "correct_answers_rate": 50.0, "incorrect_answers_rate": 50.0}]
    assert observe(vote, state, event("SUBMITTED", judged={"other": [True]})) is None
    assert observe(vote, state, event("SUBMITTED", judged={"mv": []})) is None
    assert observe(vote, state, event("SUBMITTED")) is None
    for kind in ("ACCEPTED", "REJECTED", "SKIPPED", "REVOKED"):
        assert observe(vote, state, event(kind, judged={"mv": [True]})) is None
    assert state.of(vote).count == 4


def test_majority_vote_history() -> None:
    vote, state = collector("MAJORITY_VOTE", "mv", answer_threshold=3, history_size=2), PerformerState()
    judged = [event("SUBMITTED", judged={"mv": [True, False, True]}), event("JUDGED", judged={"mv": [False]}),
              event("JUDGED", judged={"mv": [False]})]
    rates = [stats and stats["correct_answers_rate"] for stats in counts(vote, state, *judged)]
    assert rates == [50.0, 50.0, 0.0]


# --- ASSIGNMENT_SUBMIT_TIME ---------------------------------------------------------------------------

def test_submit_time_counts_submits_under_the_threshold_as_fast() -> None:
    timing, state = collector("ASSIGNMENT_SUBMIT_TIME", fast_submit_threshold_seconds=20), PerformerState()
    assert counts(timing, state, *(event("SUBMITTED", submit_seconds=s) for s in (5, 20, 19.999, 300))) == [
        {"total_submitted_count": 1, "fast_submitted_count": 1},
        {"total_submitted_count": 2, "fast_submitted_count": 1},
        {"total_submitted_count": 3, "fast_submitted_count": 2},
        {"total_submitted_count": 4, "fast_submitted_count": 2}]
    for kind in ("SKIPPED", "ACCEPTED", "REJECTED", "JUDGED", "REVOKED"):
        assert observe(timing, state, event(kind, submit_seconds=1)) is None
    assert state.of(timing).count == 4


def test_submit_time_history_counts_the_last_submits() -> None:
    timing = collector("ASSIGNMENT_SUBMIT_TIME", fast_submit_threshold_seconds=20, history_size=2)
    submits = [event("SUBMITTED", submit_seconds=seconds) for seconds in (5, 5, 300, 300, 1)]
    seen = counts(timing, PerformerState(), *submits)
    assert [(s["total_submitted_count"], s["fast_submitted_count"]) for s in seen if s] == [
        (1, 1), (2, 2), (2, 1), (2, 0), (2, 1)]
    assert all(type(s["fast_submitted_count"]) is int for s in seen if s)


# --- SKIPPED_IN_ROW_ASSIGNMENTS -----------------------------------------------------------------------

def test_skips_in_a_row_start_again_after_a_submit() -> None:
    skips, state = collector("SKIPPED_IN_ROW_ASSIGNMENTS"), PerformerState()
    assert counts(skips, state, event("SKIPPED"), event("SKIPPED"), event("SUBMITTED"), event("SKIPPED"),
                  event("ACCEPTED"), event("REJECTED"), event("JUDGED"), event("SKIPPED")) == [
        {"skipped_in_row_count": 1}, {"skipped_in_row_count": 2}, None, {"skipped_in_row_count": 1},
        None, None, None, {"skipped_in_row_count": 2}]


# --- ACCEPTANCE_RATE ----------------------------------------------------------------------------------

def rate(stats: dict[str, Any] | None) -> tuple[int, float] | None:
    if stats is None:
        return None
    return stats["total_assignments_count"], stats.get("accepted_assignments_rate")


def test_acceptance_rate_counts_reviews_and_an_accept_after_a_reject() -> None:
    acceptance, state = collector("ACCEPTANCE_RATE"), PerformerState()
    first = observe(acceptance, state, event("ACCEPTED"))
    assert first == {"total_assignments_count": 1, "accepted_assignments_rate": 100.0,
                     "rejected_assignments_rate": 0.0}
    assert [rate(s) for s in counts(acceptance, state, event("REJECTED"), event("REJECTED"),
                                    event("ACCEPTED", after_reject=True))] == [
        (2, 50.0), (3, pytest.approx(100 / 3)), (3, pytest.approx(200 / 3))]


def test_acceptance_rate_ignores_instant_accepts_and_other_events() -> None:
    acceptance, state = collector("ACCEPTANCE_RATE"), PerformerState()
    assert observe(acceptance, state, event("ACCEPTED", reviewed=False)) is None
    for kind in ("SUBMITTED", "SKIPPED", "JUDGED", "REVOKED"):
        assert observe(acceptance, state, event(kind)) is None
    assert state.counts == {}


def test_acceptance_rate_history_turns_the_latest_reject_into_an_accept() -> None:
    acceptance, state = collector("ACCEPTANCE_RATE", history_size=3), PerformerState()
    seen = counts(acceptance, state, event("REJECTED"), event("ACCEPTED"), event("REJECTED"),
                  event("ACCEPTED", after_reject=True))
    assert [rate(s) for s in seen] == [(1, 0.0), (2, 50.0), (3, pytest.approx(100 / 3)),
                                       (3, pytest.approx(200 / 3))]
    assert state.of(acceptance).items == [0.0, 1.0, 1.0]
    assert rate(observe(acceptance, state, event("ACCEPTED", after_reject=True))) == (3, 100.0)
    assert rate(observe(acceptance, state, event("ACCEPTED", after_reject=True))) == (3, 100.0)


def test_an_accept_after_a_reject_that_left_the_history_changes_nothing() -> None:
    acceptance, state = collector("ACCEPTANCE_RATE", history_size=2), PerformerState()
    assert observe(acceptance, state, event("ACCEPTED", after_reject=True)) == {"total_assignments_count": 0}
    counts(acceptance, state, event("REJECTED"), event("ACCEPTED"), event("ACCEPTED"))
    assert rate(observe(acceptance, state, event("ACCEPTED", after_reject=True))) == (2, 100.0)


def test_an_accept_after_an_uncounted_reject_keeps_the_rate_within_100() -> None:
    acceptance, state = collector("ACCEPTANCE_RATE"), PerformerState()
    counts(acceptance, state, event("ACCEPTED", after_reject=True))
    stats = observe(acceptance, state, event("ACCEPTED"))
    assert stats is not None and 0.0 <= stats["accepted_assignments_rate"] <= 100.0


# --- ANSWER_COUNT, INCOME -----------------------------------------------------------------------------

def test_answer_count_counts_every_accept() -> None:
    answers, state = collector("ANSWER_COUNT"), PerformerState()
    assert counts(answers, state, event("ACCEPTED"), event("ACCEPTED", reviewed=False), event("REJECTED"),
                  event("SUBMITTED"), event("ACCEPTED", after_reject=True)) == [
        {"assignments_accepted_count": 1}, {"assignments_accepted_count": 2}, None, None,
        {"assignments_accepted_count": 3}]


def income_after(state: PerformerState, income: Collector, hours: float, reward: float,
                 microseconds: int = 0) -> float:
    accepted = event("ACCEPTED", now=at(hours, microseconds), reward=reward, reviewed=False)
    stats = observe(income, state, accepted)
    assert stats is not None and list(stats) == ["income_sum_for_last_24_hours"]
    return float(stats["income_sum_for_last_24_hours"])


def test_income_sums_the_accepts_of_the_last_24_hours() -> None:
    income, state = collector("INCOME"), PerformerState()
    assert income_after(state, income, 0, 1.0) == 1.0
    assert income_after(state, income, 12, 2.0) == 3.0
    assert income_after(state, income, 24, 0.5, microseconds=-1) == 3.5
    assert income_after(state, income, 24, 4.0) == 6.5
    assert income_after(state, income, 36, 0.25) == 4.75
    assert [moment for moment, _ in state.of(income).income] == [at(24, -1), at(24), at(36)]
    assert income_after(state, income, 100, 0.0) == 0.0
    assert len(state.of(income).income) == 1
    assert observe(income, state, event("REJECTED", reward=9.0)) is None
    assert observe(income, state, event("SUBMITTED", reward=9.0)) is None


def test_income_is_rounded_to_micro_units() -> None:
    income, state = collector("INCOME"), PerformerState()
    assert income_after(state, income, 0, 0.1) == 0.1
    assert income_after(state, income, 1, 0.2) == 0.3


# --- the assessment collectors ------------------------------------------------------------------------

def test_assignments_assessment_passes_the_review_counts_through() -> None:
    assessed, state = collector("ASSIGNMENTS_ASSESSMENT"), PerformerState()
    counted = {"pending_assignments_count": 1, "accepted_assignments_count": 0,
               "rejected_assignments_count": 2, "assessment_event": "REJECT"}
    assert observe(assessed, state, event("REJECTED", assessment=counted)) == counted
    assert observe(assessed, state, event("ACCEPTED", assessment=counted)) == counted
    assert observe(assessed, state, event("ACCEPTED", reviewed=False, assessment=counted)) is None
    assert observe(assessed, state, event("SUBMITTED", assessment=counted)) is None
    assert state.counts == {}


def test_users_assessment_passes_a_revoked_access_through() -> None:
    assessed, state = collector("USERS_ASSESSMENT"), PerformerState()
    revoked = {"pool_access_revoked_reason": "RESTRICTION"}
    assert observe(assessed, state, event("REVOKED", assessment=revoked)) == revoked
    for kind in ("SUBMITTED", "ACCEPTED", "REJECTED", "SKIPPED", "JUDGED"):
        assert observe(assessed, state, event(kind, assessment=revoked)) is None
    assert state.counts == {}


# --- which events each collector counts ---------------------------------------------------------------

COUNTED = {"GOLDEN_SET": {"SUBMITTED"}, "MAJORITY_VOTE": {"SUBMITTED", "JUDGED"},
           "ASSIGNMENT_SUBMIT_TIME": {"SUBMITTED"}, "SKIPPED_IN_ROW_ASSIGNMENTS": {"SKIPPED"},
           "ACCEPTANCE_RATE": {"ACCEPTED", "REJECTED"}, "ANSWER_COUNT": {"ACCEPTED"}, "INCOME": {"ACCEPTED"},
           "ASSIGNMENTS_ASSESSMENT": {"ACCEPTED", "REJECTED"}, "USERS_ASSESSMENT": {"REVOKED"}}
KINDS = ("SUBMITTED", "SKIPPED", "ACCEPTED", "REJECTED", "JUDGED", "REVOKED")


def full_event(kind: str) -> Event:
    """An event carrying everything any collector looks at."""
    return event(kind, golden_credits=[1.0], judged={"c1": [True]}, submit_seconds=1.0, reward=0.5,
                 assessment={"pool_access_revoked_reason": "RESTRICTION"})


def test_every_collector_that_fires_is_listed() -> None:
    assert set(COUNTED) == set(COLLECTOR_KEYS) - NEVER_FIRES


@pytest.mark.parametrize("kind", sorted(COUNTED))
@pytest.mark.parametrize("event_kind", KINDS)
def test_a_collector_answers_only_events_of_its_kinds(kind: str, event_kind: str) -> None:
    parameters = {"answer_threshold": 2, "fast_submit_threshold_seconds": 20}
    stats = observe(collector(kind, **parameters), PerformerState(), full_event(event_kind))
    assert (stats is not None) == (event_kind in COUNTED[kind])


def test_collectors_keep_their_own_counts_by_uuid() -> None:
    short, long = collector("GOLDEN_SET", "a", history_size=1), collector("GOLDEN_SET", "b")
    state = PerformerState()
    submit = event("SUBMITTED", golden_credits=[1.0, 0.0])
    assert observe(short, state, submit) == {
        "total_answers_count": 1, "correct_answers_rate": 0.0, "incorrect_answers_rate": 100.0,
        "golden_set_answers_count": 1, "golden_set_correct_answers_rate": 0.0,
        "golden_set_incorrect_answers_rate": 100.0}
    stats = observe(long, state, submit)
    assert stats is not None and stats["total_answers_count"] == 2
    assert set(state.counts) == {"a", "b"}


# --- the stored state ---------------------------------------------------------------------------------

def test_an_absent_state_is_empty() -> None:
    assert decode_state(None) == decode_state(b"") == PerformerState()
    assert encode_state(PerformerState()) == b"{}"
    assert Counts().items is not Counts().items


ALL = [collector("GOLDEN_SET", "g", history_size=3), collector("GOLDEN_SET", "G"),
       collector("MAJORITY_VOTE", "c1", answer_threshold=2),
       collector("MAJORITY_VOTE", "m", answer_threshold=2, history_size=2),
       collector("ASSIGNMENT_SUBMIT_TIME", "t", fast_submit_threshold_seconds=20, history_size=4),
       collector("SKIPPED_IN_ROW_ASSIGNMENTS", "s"), collector("ACCEPTANCE_RATE", "a", history_size=5),
       collector("ACCEPTANCE_RATE", "A"), collector("ANSWER_COUNT", "n"), collector("INCOME", "i")]


def feed(state: PerformerState, one: Event) -> list[dict[str, Any] | None]:
    return [observe(each, state, one) for each in ALL]


def test_a_state_survives_encoding_and_counts_on_the_same() -> None:
    state = PerformerState()
    for number, kind in enumerate(["SUBMITTED", "SKIPPED", "ACCEPTED", "REJECTED", "SKIPPED", "JUDGED",
                                   "ACCEPTED", "SUBMITTED", "REJECTED"]):
        feed(state, event(kind, now=at(number), golden_credits=[1.0, 0.5 * (number % 2)],
                          judged={"c1": [number % 3 == 0]}, submit_seconds=10.0 * number, reward=0.25))
    decoded = decode_state(encode_state(state))
    assert decoded == state
    assert set(decoded.counts) == {"g", "G", "c1", "t", "s", "a", "A", "n", "i"}
    assert decoded.counts["s"] == Counts()
    after = [event("ACCEPTED", now=at(30), after_reject=True, reward=1.0), event("SKIPPED"),
             event("SUBMITTED", golden_credits=[0.0], submit_seconds=3.0)]
    for one in after:
        assert feed(decoded, one) == feed(state, one)
    assert encode_state(decoded) == encode_state(state)


def test_an_encoded_state_holds_only_what_was_counted() -> None:
    state = PerformerState()
    observe(collector("SKIPPED_IN_ROW_ASSIGNMENTS", "s"), state, event("SKIPPED"))
    assert encode_state(state) == b'{"counts":{"s":{"count":1}}}'


@given(st.lists(st.sampled_from([0.0, 0.5, 1.0]), max_size=30), st.one_of(st.none(), st.integers(1, 6)))
def test_counts_keep_the_last_history_size_items(values: list[float], history: int | None) -> None:
    kept = Counts()
    for value in values:
        kept.add(value, history)
    window = values if history is None else values[-history:]
    assert kept.window(history) == (len(window), pytest.approx(sum(window)))
    decoded = decode_state(encode_state(PerformerState({"x": kept})))
    assert decoded.counts["x"].window(history) == kept.window(history)


# --- correctness --------------------------------------------------------------------------------------

CAT = {"output_values": {"result": "cat"}}


def test_an_answer_matching_a_known_solution_earns_its_weight() -> None:
    weighted = [{"output_values": {"result": "cat"}, "correctness_weight": 1},
                {"output_values": {"result": "other"}, "correctness_weight": 0.5}]
    assert credit({"result": "cat"}, [CAT]) == 1.0
    assert credit({"result": "dog"}, [CAT]) == 0.0
    assert credit({"result": "other"}, weighted) == 0.5
    assert credit({"result": "cat"}, weighted) == 1.0
    assert credit({"result": "cat"}, [{"output_values": {"result": "cat"}, "correctness_weight": 0}]) == 0.0


def test_the_best_matching_solution_counts() -> None:
    solutions = [{"output_values": {"a": 1}, "correctness_weight": 0.3},
                 {"output_values": {"a": 1, "b": 2}, "correctness_weight": 0.9},
                 {"output_values": {"a": 1, "b": 3}}]
    assert credit({"a": 1, "b": 2}, solutions) == 0.9
    assert credit({"a": 1, "b": 3}, solutions) == 1.0
    assert credit({"a": 1, "b": 4}, solutions) == 0.3
    assert credit({"a": 2, "b": 2}, solutions) == 0.0


def test_fields_a_solution_leaves_out_are_not_compared() -> None:
    assert credit({"result": "cat", "comment": "fluffy"}, [CAT]) == 1.0
    assert credit({"comment": "fluffy"}, [CAT]) == 0.0
    assert credit({"result": None}, [{"output_values": {"result": None}}]) == 1.0
    assert credit({}, [{"output_values": {"result": None}}]) == 0.0


@pytest.mark.parametrize("weight", [None, "0.5", True, [0.5]])
def test_a_weight_that_is_not_a_number_counts_as_1(weight: Any) -> None:
    solution = {"output_values": {"result": "cat"}, "correctness_weight": weight}
    assert credit({"result": "cat"}, [solution]) == 1.0


@pytest.mark.parametrize(("answer", "known"), [
    (None, [CAT]), ("cat", [CAT]), ({"result": "cat"}, None), ({"result": "cat"}, CAT),
    ({"result": "cat"}, []),
    ({"result": "cat"}, ["cat", None, {"output_values": "cat"}, {"correctness_weight": 1}]),
])
def test_malformed_answers_and_solutions_earn_nothing(answer: Any, known: Any) -> None:
    assert credit(answer, known) == 0.0


def test_answer_keys_ignore_field_order() -> None:
    assert answer_key({"a": 1, "b": {"x": [1, 2], "y": None}}) == answer_key({"b": {"y": None, "x": [1, 2]},
                                                                              "a": 1})
    assert answer_key({"a": 1}) != answer_key({"a": 2})
    assert answer_key({"a": [1, 2]}) != answer_key({"a": [2, 1]})
    assert answer_key({"a": "1"}) != answer_key({"a": 1})
    assert answer_key(None) == b"null"


@given(st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5), st.booleans()),
                       max_size=6))
def test_answer_keys_of_any_field_order_agree(answer: dict[str, Any]) -> None:
    assert answer_key(dict(reversed(list(answer.items())))) == answer_key(answer)


def test_majority() -> None:
    cat, dog, owl = b"cat", b"dog", b"owl"
    assert majority([cat], 1) == cat
    assert majority([cat], 2) is None
    assert majority([cat, cat], 2) == cat
    assert majority([cat, dog, cat], 2) == cat
    assert majority([cat, dog, owl], 2) is None
    assert majority([cat, cat, dog, dog], 2) is None
    assert majority([cat, dog], 1) is None
    assert majority([cat, cat, dog, dog, owl, cat], 3) == cat
    assert majority([cat, cat, dog], 3) is None
    assert majority([], 1) is None
