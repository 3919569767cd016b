"""What each collector counts for one performer in one pool, and the statistics its rules compare.

A performer's counts in a pool are one small `PerformerState`, stored as one row and read and
written once per event that feeds a rule (`talaka.store.quality`). Each collector config keeps its
own `Counts` under its uuid: with `history_size` the last N items themselves, without it running
totals, so the state stays small however long a performer works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from talaka.core.quality.config import Collector
from talaka.core.timefmt import format_time


class Counts(msgspec.Struct, omit_defaults=True):
    items: list[float] = []
    """The last `history_size` items (1.0 right / fast / accepted, 0.0 not; a golden answer's credit)."""
    count: int = 0
    total: float = 0.0
    income: list[tuple[str, float]] = []
    """`(accepted, reward)` of the last 24 hours."""

    def add(self, value: float, history_size: int | None) -> None:
        if history_size is None:
            self.count += 1
            self.total += value
        else:
            self.items.append(value)
            del self.items[:-history_size]

    def window(self, history_size: int | None) -> tuple[int, float]:
        """`(items counted, their sum)`."""
        if history_size is None:
            return self.count, self.total
        return len(self.items), sum(self.items)


class PerformerState(msgspec.Struct, omit_defaults=True):
    counts: dict[str, Counts] = {}

    def of(self, collector: Collector) -> Counts:
        counts = self.counts.get(collector.uuid)
        if counts is None:
            counts = self.counts[collector.uuid] = Counts()
        return counts


encode_state = msgspec.json.encode
_decode_state = msgspec.json.Decoder(PerformerState).decode


def decode_state(raw: bytes | None) -> PerformerState:
    return _decode_state(raw) if raw else PerformerState()


@dataclass(slots=True)
class Event:
    """Something that happened to one performer's suite in a pool, as the collectors see it."""

    kind: str
    """SUBMITTED, SKIPPED, ACCEPTED, REJECTED, JUDGED (answers judged by a new majority) or REVOKED."""
    now: str
    assignment_seq: int | None = None
    golden_credits: list[float] = field(default_factory=list)
    """A submit's answers to control tasks, each credited 0..1 (`talaka.core.quality.correctness`)."""
    judged: dict[str, list[bool]] = field(default_factory=dict)
    """Answers of this performer compared with a task's majority (right or not), by MAJORITY_VOTE
    collector (each has its own `answer_threshold`)."""
    submit_seconds: float = 0.0
    reward: float = 0.0
    reviewed: bool = True
    """An accept by a person, a rule or the review period (not the instant one of an auto-accepting pool)."""
    after_reject: bool = False
    assessment: dict[str, Any] = field(default_factory=dict)
    """ASSIGNMENTS_ASSESSMENT's statistics for the event's suite, or USERS_ASSESSMENT's (REVOKED)."""


def _rates(count: int, total: float, prefix: str = "") -> dict[str, Any]:
    stats: dict[str, Any] = {f"{prefix}total_answers_count" if not prefix else f"{prefix}answers_count": count}
    if count:
        correct = 100.0 * total / count
        stats[f"{prefix}correct_answers_rate"] = correct
        stats[f"{prefix}incorrect_answers_rate"] = 100.0 - correct
    return stats


def observe(collector: Collector, state: PerformerState, event: Event) -> dict[str, Any] | None:
    """Count the event if this collector counts its kind; the statistics its rules then compare,
    or None when the event is not this collector's (its rules are not evaluated)."""
    kind, size = collector.type, collector.history_size
    if kind == "GOLDEN_SET" and event.kind == "SUBMITTED" and event.golden_credits:
        counts = state.of(collector)
        for credit in event.golden_credits:
            counts.add(credit, size)
        count, total = counts.window(size)
        return _rates(count, total) | _rates(count, total, "golden_set_")
    judged = event.judged.get(collector.uuid)
    if kind == "MAJORITY_VOTE" and judged and event.kind in ("SUBMITTED", "JUDGED"):
        counts = state.of(collector)
        for right in judged:
            counts.add(1.0 if right else 0.0, size)
        return _rates(*counts.window(size))
    if kind == "ASSIGNMENT_SUBMIT_TIME" and event.kind == "SUBMITTED":
        counts = state.of(collector)
        threshold = float(collector.parameters["fast_submit_threshold_seconds"])
        counts.add(1.0 if event.submit_seconds < threshold else 0.0, size)
        count, fast = counts.window(size)
        return {"total_submitted_count": count, "fast_submitted_count": int(fast)}
    if kind == "SKIPPED_IN_ROW_ASSIGNMENTS" and event.kind in ("SKIPPED", "SUBMITTED"):
        counts = state.of(collector)
        counts.count = counts.count + 1 if event.kind == "SKIPPED" else 0
        return {"skipped_in_row_count": counts.count} if event.kind == "SKIPPED" else None
    if kind == "ACCEPTANCE_RATE" and event.reviewed and event.kind in ("ACCEPTED", "REJECTED"):
        return _acceptance(state.of(collector), event, size)
    if kind == "ANSWER_COUNT" and event.kind == "ACCEPTED":
        counts = state.of(collector)
        counts.count += 1
        return {"assignments_accepted_count": counts.count}
    if kind == "INCOME" and event.kind == "ACCEPTED":
        return _income(state.of(collector), event)
    if kind == "ASSIGNMENTS_ASSESSMENT" and event.reviewed and event.kind in ("ACCEPTED", "REJECTED"):
        return event.assessment
    if kind == "USERS_ASSESSMENT" and event.kind == "REVOKED":
        return event.assessment
    return None


def _acceptance(counts: Counts, event: Event, size: int | None) -> dict[str, Any]:
    if event.after_reject:
        if size is None:
            if counts.total < counts.count:  # the reject was counted (the rule may be newer than it)
                counts.total += 1.0
        elif 0.0 in counts.items:
            last = len(counts.items) - 1 - counts.items[::-1].index(0.0)
            counts.items[last] = 1.0
    else:
        counts.add(1.0 if event.kind == "ACCEPTED" else 0.0, size)
    count, accepted = counts.window(size)
    stats: dict[str, Any] = {"total_assignments_count": count}
    if count:
        stats["accepted_assignments_rate"] = 100.0 * accepted / count
        stats["rejected_assignments_rate"] = 100.0 - stats["accepted_assignments_rate"]
    return stats


def _income(counts: Counts, event: Event) -> dict[str, Any]:
    since = format_time(datetime.fromisoformat(event.now).replace(tzinfo=UTC) - timedelta(hours=24))
    counts.income = [item for item in counts.income if item[0] > since]
    counts.income.append((event.now, event.reward))
    return {"income_sum_for_last_24_hours": round(sum(amount for _, amount in counts.income), 6)}
