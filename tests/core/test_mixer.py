"""The mixer's rules: what a pool's `mixer_config` means and how big the next task suite is."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talaka.core.mixer import ONE_TASK_A_SUITE, MixerConfig


def test_from_pool_reads_every_field() -> None:
    mixer = MixerConfig.from_pool({"real_tasks_count": 5, "golden_tasks_count": 2, "training_tasks_count": 1,
                                   "min_real_tasks_count": 3, "min_golden_tasks_count": 1,
                                   "force_last_assignment": False, "shuffle_tasks_in_task_suite": False})
    assert mixer == MixerConfig(real_tasks_count=5, golden_tasks_count=2, training_tasks_count=1,
                                min_real_tasks_count=3, min_golden_tasks_count=1, force_last_assignment=False,
                                shuffle_tasks_in_task_suite=False)


def test_from_pool_defaults_are_toloka_defaults() -> None:
    mixer = MixerConfig.from_pool({"real_tasks_count": 4})
    assert mixer == MixerConfig(real_tasks_count=4)
    assert mixer is not None
    assert mixer.golden_tasks_count == 0 and mixer.min_real_tasks_count == 1
    assert mixer.min_golden_tasks_count is None
    assert mixer.force_last_assignment and mixer.shuffle_tasks_in_task_suite


@pytest.mark.parametrize("mixer", [None, [], "mixer", 3, True])
def test_no_mixer_config_means_suites_as_created(mixer: Any) -> None:
    assert MixerConfig.from_pool(mixer) is None


@pytest.mark.parametrize("bad", [-1, True, 2.5, "3", None])
def test_from_pool_ignores_counts_that_are_not_counts(bad: Any) -> None:
    mixer = MixerConfig.from_pool({"real_tasks_count": 2, "golden_tasks_count": bad,
                                   "min_real_tasks_count": bad, "min_golden_tasks_count": bad})
    assert mixer == MixerConfig(real_tasks_count=2)


@pytest.mark.parametrize("flag", [None, True, 0, "false"])
def test_only_false_turns_the_flags_off(flag: Any) -> None:
    mixer = MixerConfig.from_pool({"real_tasks_count": 1, "force_last_assignment": flag,
                                   "shuffle_tasks_in_task_suite": flag})
    assert mixer is not None and mixer.force_last_assignment and mixer.shuffle_tasks_in_task_suite


def test_full_suite() -> None:
    mixer = MixerConfig(real_tasks_count=5, golden_tasks_count=2)
    assert mixer.suite_size(5, 2) == (5, 2)
    assert mixer.suite_size(50, 20) == (5, 2), "the store may find more candidates than needed"


def test_smaller_last_suite_with_force_last_assignment() -> None:
    mixer = MixerConfig(real_tasks_count=5, golden_tasks_count=1)
    assert mixer.suite_size(3, 1) == (3, 1)
    assert mixer.suite_size(1, 1) == (1, 1)
    assert mixer.suite_size(0, 1) is None, "no suite of control tasks alone once the general work is gone"


def test_no_smaller_suite_without_force_last_assignment() -> None:
    mixer = MixerConfig(real_tasks_count=5, golden_tasks_count=1, force_last_assignment=False)
    assert mixer.suite_size(5, 1) == (5, 1)
    assert mixer.suite_size(4, 1) is None


def test_min_real_tasks_count_bounds_the_last_suite() -> None:
    mixer = MixerConfig(real_tasks_count=5, min_real_tasks_count=3)
    assert mixer.suite_size(3, 0) == (3, 0)
    assert mixer.suite_size(2, 0) is None
    assert MixerConfig(real_tasks_count=5, min_real_tasks_count=0).suite_size(0, 0) is None


def test_golden_tasks_count_must_be_met() -> None:
    mixer = MixerConfig(real_tasks_count=3, golden_tasks_count=2)
    assert mixer.suite_size(3, 1) is None, "fewer unseen control tasks than golden_tasks_count: no suite"
    assert mixer.suite_size(3, 0) is None


def test_min_golden_tasks_count_lowers_the_need() -> None:
    mixer = MixerConfig(real_tasks_count=3, golden_tasks_count=3, min_golden_tasks_count=1)
    assert mixer.golden_needed == 1
    assert mixer.suite_size(3, 3) == (3, 3)
    assert mixer.suite_size(3, 1) == (3, 1)
    assert mixer.suite_size(3, 0) is None
    assert MixerConfig(real_tasks_count=1, golden_tasks_count=2, min_golden_tasks_count=9).golden_needed == 2
    no_minimum = MixerConfig(real_tasks_count=1, golden_tasks_count=2, min_golden_tasks_count=0)
    assert no_minimum.suite_size(1, 0) == (1, 0)


def test_exam_pool_of_control_tasks_only() -> None:
    mixer = MixerConfig(real_tasks_count=0, golden_tasks_count=3)
    assert mixer.suite_size(0, 3) == (0, 3)
    assert mixer.suite_size(0, 2) is None
    lenient = MixerConfig(real_tasks_count=0, golden_tasks_count=3, min_golden_tasks_count=1)
    assert lenient.suite_size(0, 2) == (0, 2)


def test_an_empty_mixer_issues_nothing() -> None:
    assert MixerConfig(real_tasks_count=0).suite_size(10, 10) is None


def test_one_task_a_suite_for_pools_of_single_tasks() -> None:
    assert ONE_TASK_A_SUITE.suite_size(1, 0) == (1, 0)
    assert ONE_TASK_A_SUITE.suite_size(0, 0) is None
    assert ONE_TASK_A_SUITE.arrange([3, 1, 2]) == [3, 1, 2]


configs = st.builds(MixerConfig, real_tasks_count=st.integers(0, 20), golden_tasks_count=st.integers(0, 10),
                    min_real_tasks_count=st.integers(0, 25),
                    min_golden_tasks_count=st.none() | st.integers(0, 12),
                    force_last_assignment=st.booleans())


@given(configs, st.integers(0, 40), st.integers(0, 40))
def test_a_suite_never_holds_more_than_asked_or_found(mixer: MixerConfig, general: int, golden: int) -> None:
    size = mixer.suite_size(general, golden)
    if size is None:
        return
    real, control = size
    assert 0 <= real <= min(general, mixer.real_tasks_count)
    assert 0 <= control <= min(golden, mixer.golden_tasks_count)
    assert control >= mixer.golden_needed
    assert real + control > 0
    if real < mixer.real_tasks_count:
        assert mixer.force_last_assignment and real >= max(mixer.min_real_tasks_count, 1)


@given(configs, st.integers(0, 40), st.integers(0, 40))
def test_enough_candidates_always_give_a_full_suite(mixer: MixerConfig, extra_general: int,
                                                    extra_golden: int) -> None:
    size = mixer.suite_size(mixer.real_tasks_count + extra_general, mixer.golden_tasks_count + extra_golden)
    if mixer.real_tasks_count + mixer.golden_tasks_count == 0:
        assert size is None
    else:
        assert size == (mixer.real_tasks_count, mixer.golden_tasks_count)


@given(st.lists(st.integers(), max_size=30), st.booleans())
def test_arrange_keeps_the_tasks(tasks: list[int], shuffle: bool) -> None:
    mixer = MixerConfig(real_tasks_count=len(tasks), shuffle_tasks_in_task_suite=shuffle)
    arranged = mixer.arrange(list(tasks))
    assert sorted(arranged) == sorted(tasks)
    if not shuffle:
        assert arranged == tasks


def test_arrange_shuffles_when_asked() -> None:
    """Twenty shuffles of ten tasks all in one order would happen once in 10!**19 runs."""
    mixer = MixerConfig(real_tasks_count=10)
    orders = {tuple(mixer.arrange(list(range(10)))) for _ in range(20)}
    assert len(orders) > 1 and orders != {tuple(range(10))}
