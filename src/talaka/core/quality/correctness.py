"""Whether an answer to a control or training task is right, and the majority of a task's answers."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec


def credit(output_values: Any, known_solutions: Any) -> float:
    """The credit of an answer: the `correctness_weight` (default 1) of the best known solution it
    matches, 0 when it matches none. An answer matches a solution when every field the solution
    names has the same value (fields the solution leaves out are not compared)."""
    if not isinstance(output_values, dict) or not isinstance(known_solutions, list):
        return 0.0
    best = 0.0
    for solution in known_solutions:
        expected = solution.get("output_values") if isinstance(solution, dict) else None
        if not isinstance(expected, dict):
            continue
        if all(name in output_values and output_values[name] == value for name, value in expected.items()):
            weight = solution.get("correctness_weight", 1)
            best = max(best, float(weight) if type(weight) in (int, float) else 1.0)
    return best


def answer_key(output_values: Any) -> bytes:
    """Answers that agree have the same key (field order does not matter)."""
    return msgspec.json.encode(output_values, order="sorted")


def majority(keys: list[bytes], threshold: int) -> bytes | None:
    """The answer at least `threshold` answers agree on, more than any other; None on a tie or short."""
    if len(keys) < threshold:
        return None
    ranked = Counter(keys).most_common(2)
    top, count = ranked[0]
    if count < threshold or (len(ranked) > 1 and ranked[1][1] == count):
        return None
    return top
