"""The mixer: how many general and control tasks go into the next task suite of a pool.

Pure rules over counts; the store finds the candidate tasks (oldest general tasks the performer
has not seen, control tasks the performer has not seen) and asks `suite_size` what to issue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MixerConfig:
    real_tasks_count: int
    golden_tasks_count: int = 0
    training_tasks_count: int = 0
    min_real_tasks_count: int = 1
    min_golden_tasks_count: int | None = None
    force_last_assignment: bool = True
    shuffle_tasks_in_task_suite: bool = True

    @classmethod
    def from_pool(cls, mixer: Any) -> MixerConfig | None:
        """The pool's `mixer_config`, or None for a pool that issues task suites as they are."""
        if not isinstance(mixer, dict):
            return None

        def count(name: str, default: int) -> int:
            value = mixer.get(name)
            return value if type(value) is int and value >= 0 else default

        min_golden = mixer.get("min_golden_tasks_count")
        return cls(real_tasks_count=count("real_tasks_count", 0),
                   golden_tasks_count=count("golden_tasks_count", 0),
                   training_tasks_count=count("training_tasks_count", 0),
                   min_real_tasks_count=count("min_real_tasks_count", 1),
                   min_golden_tasks_count=min_golden if type(min_golden) is int and min_golden >= 0 else None,
                   force_last_assignment=mixer.get("force_last_assignment") is not False,
                   shuffle_tasks_in_task_suite=mixer.get("shuffle_tasks_in_task_suite") is not False)

    @property
    def golden_needed(self) -> int:
        """The fewest unseen control tasks a suite may carry; with fewer the performer is done here."""
        if self.min_golden_tasks_count is not None:
            return min(self.min_golden_tasks_count, self.golden_tasks_count)
        return self.golden_tasks_count

    def suite_size(self, general_found: int, golden_found: int) -> tuple[int, int] | None:
        """`(general, golden)` tasks for the next suite, or None when this performer gets no suite.

        `general_found` and `golden_found` are how many candidates the store found, looking for at
        most `real_tasks_count` and `golden_tasks_count`.
        """
        general = min(general_found, self.real_tasks_count)
        if general < self.real_tasks_count:
            smallest = max(self.min_real_tasks_count, 1)
            if not self.force_last_assignment or general < smallest:
                return None
        golden = min(golden_found, self.golden_tasks_count)
        if golden < self.golden_needed or general + golden == 0:
            return None
        return general, golden

    def arrange(self, tasks: list[T]) -> list[T]:
        """The suite's tasks in the order the performer sees them."""
        if self.shuffle_tasks_in_task_suite and len(tasks) > 1:
            random.shuffle(tasks)
        return tasks


ONE_TASK_A_SUITE = MixerConfig(real_tasks_count=1, shuffle_tasks_in_task_suite=False)
"""How a pool without `mixer_config` issues tasks that were created one by one."""
