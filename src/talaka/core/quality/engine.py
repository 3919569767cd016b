"""Rules evaluated against what the collectors counted: which actions an event fires.

Pure: the store reads the performer's state, calls `evaluate`, writes the state back and carries
out the fired actions in the same transaction (`talaka.store.quality`). A rule fires on every event
of its collector after which all its conditions hold; the actions make a repeat harmless (one
restriction per scope, a skill set to the same value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from talaka.core.quality.collectors import Event, PerformerState, observe
from talaka.core.quality.config import Action, Collector, Condition, QualityRules


@dataclass(frozen=True, slots=True)
class Fired:
    collector: Collector
    action: Action
    stats: dict[str, Any]


def holds(condition: Condition, stats: dict[str, Any]) -> bool:
    """Whether one condition holds; a statistic the collector has not got yet (a rate before the
    first answer) makes it false."""
    actual = stats.get(condition.key)
    if actual is None:
        return False
    expected = condition.value
    try:
        return bool({"EQ": actual == expected, "NE": actual != expected, "GT": actual > expected,
                     "GTE": actual >= expected, "LT": actual < expected,
                     "LTE": actual <= expected}[condition.operator])
    except (TypeError, KeyError):
        return False


def evaluate(rules: QualityRules, state: PerformerState, event: Event) -> list[Fired]:
    """Count the event in `state` (changed in place) and return the actions whose rules now hold."""
    fired = []
    for collector in rules.collectors:
        stats = observe(collector, state, event)
        if stats is None:
            continue
        for rule in collector.rules:
            if all(holds(condition, stats) for condition in rule.conditions):
                fired.append(Fired(collector, rule.action, stats))
    return fired


def feeds(rules: QualityRules, kind: str) -> bool:
    """Whether any rule counts events of this kind (so the store need not read state for others)."""
    wanted = {"SUBMITTED": ("GOLDEN_SET", "MAJORITY_VOTE", "ASSIGNMENT_SUBMIT_TIME", "SKIPPED_IN_ROW_ASSIGNMENTS"),
              "SKIPPED": ("SKIPPED_IN_ROW_ASSIGNMENTS",),
              "ACCEPTED": ("ACCEPTANCE_RATE", "ANSWER_COUNT", "INCOME", "ASSIGNMENTS_ASSESSMENT"),
              "REJECTED": ("ACCEPTANCE_RATE", "ASSIGNMENTS_ASSESSMENT"),
              "JUDGED": ("MAJORITY_VOTE",), "REVOKED": ("USERS_ASSESSMENT",)}[kind]
    return bool(rules.of(*wanted))
