"""Who the virtual performers are and what they answer: pure functions of a seed, no I/O.

Every draw comes from a `random.Random` seeded with text naming what is drawn (the seed, the
performer, the task), so a performer's answer to a task is the same whatever order the server
hands tasks out in and however the crowd's requests interleave. Two runs with the same seed on
the same tasks give the same answers; only which performer meets which task depends on timing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

UNIFORM: Final = "uniform"
BETA: Final = "beta"


@dataclass(frozen=True, slots=True)
class Accuracy:
    """How honest performers' accuracies are spread: uniform over `[low, high]`, or Beta(`low`, `high`).

    An accuracy is the chance that a performer gives the true label; a wrong answer is one of
    the other labels, each as likely.
    """

    kind: Literal["uniform", "beta"]
    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        if self.kind == BETA:
            return rng.betavariate(self.low, self.high)
        return rng.uniform(self.low, self.high)

    @property
    def mean(self) -> float:
        if self.kind == BETA:
            return self.low / (self.low + self.high)
        return (self.low + self.high) / 2

    def __str__(self) -> str:
        if self.kind == BETA:
            return f"beta:{self.low:g},{self.high:g}"
        return f"{self.low:g}" if self.low == self.high else f"{self.low:g}-{self.high:g}"


def parse_accuracy(text: str) -> Accuracy:
    """`0.7-0.95` (uniform over the range), `0.9` (everyone the same) or `beta:8,2` (Beta(8, 2),
    mean 0.8); `ValueError` saying what is expected otherwise."""
    spec = text.strip()
    if spec.lower().startswith("beta:"):
        parts = spec[5:].split(",")
        try:
            a, b = (float(part) for part in parts)
        except ValueError:
            raise ValueError(f"expected beta:A,B with two positive numbers, such as beta:8,2; got {text!r}") from None
        if not (a > 0 and b > 0):
            raise ValueError(f"the parameters of beta:A,B must be positive; got {text!r}")
        return Accuracy(BETA, a, b)
    low_text, dash, high_text = spec.partition("-")
    try:
        low = float(low_text)
        high = float(high_text) if dash else low
    except ValueError:
        raise ValueError(
            f"expected a range such as 0.7-0.95, one value such as 0.9, or beta:A,B; got {text!r}") from None
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"an accuracy range must satisfy 0 <= low <= high <= 1; got {text!r}")
    return Accuracy(UNIFORM, low, high)


@dataclass(frozen=True, slots=True)
class Member:
    """One virtual performer: its number in the crowd, whether it spams, and its accuracy (a
    spammer's is None: it answers uniformly at random)."""

    number: int
    spammer: bool
    accuracy: float | None

    @property
    def group(self) -> str:
        return "spammers" if self.spammer else "honest"


def spammer_count(performers: int, share: float) -> int:
    """How many of `performers` spam: `share` of them, rounded half up (10% of 50 is 5, of 15 is 2)."""
    return min(performers, int(performers * share + 0.5))


def make_crowd(performers: int, spammer_share: float, accuracy: Accuracy, seed: int) -> list[Member]:
    """The crowd: `spammer_count` spammers at places drawn from the seed, the others honest with an
    accuracy drawn from `accuracy`."""
    rng = random.Random(f"{seed}:crowd")
    spammers = set(rng.sample(range(performers), spammer_count(performers, spammer_share)))
    return [Member(number, number in spammers, None if number in spammers else accuracy.draw(rng))
            for number in range(performers)]


def answer(member: Member, task_id: str, truth: Any, labels: Sequence[Any], seed: int,
           known: bool = True) -> Any:
    """The label `member` gives task `task_id` whose true label is `truth`.

    A spammer, or anyone facing a task whose truth is not `known`, picks one of `labels`
    uniformly; an honest performer gives the truth with its accuracy, otherwise one of the other
    labels uniformly.
    """
    rng = random.Random(f"{seed}:{member.number}:{task_id}")
    if member.spammer or member.accuracy is None or not known:
        return rng.choice(labels)
    if rng.random() < member.accuracy:
        return truth
    return rng.choice([label for label in labels if label != truth])


def hidden_truth(task_id: str, labels: Sequence[Any], seed: int) -> Any:
    """The truth of a general task when no file gives one: one of `labels`, uniformly."""
    return random.Random(f"{seed}:truth:{task_id}").choice(labels)


def suite_seconds(member: Member, tasks: int, seconds_per_task: float) -> float:
    """How long a member looks at a suite of `tasks` before submitting: a spammer not at all."""
    return 0.0 if member.spammer else seconds_per_task * tasks


class FieldChoiceError(ValueError):
    """The project's output spec has no field the simulator can answer, or the choice is ambiguous."""


def labels_of(spec: Mapping[str, Any]) -> list[Any] | None:
    """The answers a field allows: its `allowed_values`, `[False, True]` for a boolean, None otherwise."""
    allowed = spec.get("allowed_values")
    if isinstance(allowed, list) and allowed:
        return list(allowed)
    if spec.get("type") == "boolean":
        return [False, True]
    return None


def answer_field(output_spec: Mapping[str, Mapping[str, Any]], name: str | None) -> tuple[str, list[Any]]:
    """The output field the crowd answers and its labels: `name`, or the only field with
    `allowed_values` or of type boolean. Another required output field is an error, since the
    server would refuse every submit that leaves it out."""
    choices = {field: labels for field, spec in output_spec.items() if (labels := labels_of(spec)) is not None}
    listed = ", ".join(sorted(choices))
    if not choices:
        raise FieldChoiceError("the project has no output field with allowed_values or of type boolean for "
                               "the crowd to answer; give one allowed_values in its output_spec")
    if name is None:
        if len(choices) > 1:
            raise FieldChoiceError(f"the project has several output fields the crowd could answer ({listed}); "
                                   "choose one with --field NAME")
        (name,) = choices
    elif name not in choices:
        raise FieldChoiceError(f"--field {name!r} is not an output field with allowed_values or of type "
                               f"boolean; the project's such fields: {listed}")
    others = sorted(field for field, spec in output_spec.items()
                    if field != name and spec.get("required", True) is not False)
    if others:
        raise FieldChoiceError(f"the project also requires the output fields {', '.join(others)}, which the "
                               "crowd cannot answer; make them optional (required: false) to simulate")
    return name, choices[name]
