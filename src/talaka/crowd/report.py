"""What a simulation found: its figures as JSON, and the same figures as a plain-text table.

`figures` computes everything from the `Outcome` once; `table` only lays those figures out, so
the table and the JSON never disagree. Accuracies are shares of 0 to 1 in the JSON and percents
in the table; an accuracy with nothing to compare is null (shown as "-").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from talaka.crowd.run import Outcome, Worker

GROUPS: Final = ("honest", "spammers", "all")
METHOD_NAMES: Final = {"MAJORITY_VOTE": "majority vote", "DAWID_SKENE": "Dawid-Skene"}


def share(correct: int, compared: int) -> float | None:
    return correct / compared if compared else None


def score(pairs: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """`{"compared", "correct", "accuracy"}` over `(given, true)` pairs."""
    compared = correct = 0
    for given, true in pairs:
        compared += 1
        correct += given == true and type(given) is type(true)
    return {"compared": compared, "correct": correct, "accuracy": share(correct, compared)}


def figures(outcome: Outcome) -> dict[str, Any]:
    """Every figure of the simulation, JSON-ready."""
    options, truths = outcome.options, outcome.truths
    truth, control = truths.truth, truths.control_set
    by_number = {worker.member.number: worker for worker in outcome.workers}
    general_answers: dict[str, list[tuple[Any, Any]]] = {group: [] for group in GROUPS}
    answered: Counter[str] = Counter()
    for number, task_id, label in outcome.answers:
        if task_id in control:
            continue
        group = by_number[number].member.group
        answered[group] += 1
        answered["all"] += 1
        if task_id in truth:
            general_answers[group].append((label, truth[task_id]))
            general_answers["all"].append((label, truth[task_id]))
    groups = {group: _group(group, _members(outcome.workers, group), answered[group],
                            score(general_answers[group])) for group in GROUPS}
    bans: dict[str, dict[str, int]] = {}
    for worker in outcome.workers:
        for rule in worker.banned_by:
            counts = bans.setdefault(rule, dict.fromkeys(GROUPS, 0))
            counts[worker.member.group] += 1
            counts["all"] += 1
    general = truths.general
    aggregation = {}
    for method, result in outcome.aggregated.items():
        pairs = ((result.labels[task_id], truth[task_id]) for task_id in general
                 if task_id in result.labels and task_id in truth)
        aggregation[method] = {"tasks": len(result.labels), "answers": result.answers, **score(pairs),
                               "failure": result.failure}
    pool_after = outcome.pool_after
    return {
        "pool_id": str(outcome.pool_before.id),
        "project_id": str(outcome.pool_before.project_id),
        "field": outcome.field,
        "labels": outcome.labels,
        "options": {"performers": options.performers, "accuracy": str(options.accuracy),
                    "spammers": options.spammer_share, "seconds_per_task": options.seconds_per_task,
                    "seed": options.seed, "timeout": options.timeout},
        "truth": {"source": truths.source, "general_tasks": len(general), "control_tasks": len(truths.control),
                  "general_without_truth": truths.general_without_truth, "unmatched_rows": truths.unmatched_rows,
                  "labels": {task_id: truth[task_id] for task_id in general if task_id in truth}},
        "groups": groups,
        "bans_by_rule": dict(sorted(bans.items())),
        "time": {"seconds_to_last_answer": outcome.seconds_to_last_answer,
                 "seconds_to_close": outcome.seconds_to_close, "crowd_seconds": outcome.crowd_seconds,
                 "timed_out": outcome.timed_out},
        "pool": {"answers_needed": outcome.needed, "answers_before": outcome.before,
                 "status_before": outcome.pool_before.status,
                 "status_after": pool_after.status, "last_close_reason": pool_after.last_close_reason},
        "aggregation": aggregation,
        "members": [{"id": worker.user_id, "number": worker.member.number, "spammer": worker.member.spammer,
                     "accuracy": worker.member.accuracy, "suites": worker.suites, "answers": worker.answers,
                     "expired": worker.expired, "given_back": worker.given_back, "stopped": worker.stopped, "banned_by": worker.banned_by}
                    for worker in outcome.workers],
    }


def _members(workers: Sequence[Worker], group: str) -> list[Worker]:
    return [worker for worker in workers if group == "all" or worker.member.group == group]


def _group(group: str, workers: list[Worker], general_answers: int, raw: dict[str, Any]) -> dict[str, Any]:
    """One column of the table; `mean_accuracy` (of the accuracies drawn) is the honest group's only,
    since spammers have none."""
    accuracies = [worker.member.accuracy for worker in workers if worker.member.accuracy is not None]
    return {
        "performers": len(workers),
        "mean_accuracy": sum(accuracies) / len(accuracies) if accuracies and group == "honest" else None,
        "suites": sum(worker.suites for worker in workers),
        "answers": sum(worker.answers for worker in workers),
        "general_answers": general_answers,
        "raw_accuracy": raw["accuracy"], "raw_compared": raw["compared"], "raw_correct": raw["correct"],
        "expired": sum(worker.expired for worker in workers),
        "given_back": sum(worker.given_back for worker in workers),
        "banned": sum(1 for worker in workers if worker.banned_by),
        "stopped": dict(sorted(Counter(worker.stopped for worker in workers).items())),
    }


def _count(value: int) -> str:
    return f"{value:,}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """The first column left-aligned, the others right-aligned, two spaces apart at least."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join([row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in
                                                  zip(row[1:], widths[1:], strict=True))]).rstrip()
            for row in rows]


def table(found: Mapping[str, Any]) -> str:
    """The figures laid out for a terminal: the crowd by group, then time and aggregation."""
    groups, truth, pool = found["groups"], found["truth"], found["pool"]
    labels = ", ".join(str(label) for label in found["labels"])
    lines = [(f"Pool {found['pool_id']}: {truth['general_tasks']:,} general and {truth['control_tasks']:,} "
              f"control tasks; the crowd answers {found['field']} ({labels})"),
             f"Truth: {truth['source']}"]
    if truth["general_without_truth"]:
        lines.append(f"  {truth['general_without_truth']:,} general tasks have no truth: answered at random, "
                     "left out of every accuracy")
    if truth["unmatched_rows"]:
        lines.append(f"  {truth['unmatched_rows']:,} rows of the truth file match no task of the pool")
    lines.append("")

    def row(name: str, cell: Any) -> list[str]:
        return [name, *(cell(groups[group]) for group in GROUPS)]

    honest_accuracy = groups["honest"]["mean_accuracy"]
    rows = [["", *GROUPS],
            row("performers", lambda g: _count(g["performers"])),
            ["accuracy drawn (mean)", "-" if honest_accuracy is None else f"{honest_accuracy:.3f}",
             "random" if groups["spammers"]["performers"] else "-", ""],
            row("suites taken", lambda g: _count(g["suites"])),
            row("answers", lambda g: _count(g["answers"])),
            row("raw accuracy, general tasks", lambda g: _percent(g["raw_accuracy"]))]
    if groups["all"]["expired"]:
        rows.append(row("suites expired before the submit", lambda g: _count(g["expired"])))
    if groups["all"]["given_back"]:
        rows.append(row("suites given back at --timeout", lambda g: _count(g["given_back"])))
    rows.append(row("banned", lambda g: _count(g["banned"])))
    rows.extend([f"  by {rule}", *(_count(counts[group]) for group in GROUPS)]
                for rule, counts in found["bans_by_rule"].items())
    for reason in groups["all"]["stopped"]:
        rows.append(row(f"stopped: {reason}", lambda g, reason=reason: _count(g["stopped"].get(reason, 0))))
    lines.extend(_aligned(rows))
    lines.append("")
    summary = _summary(found, pool)
    width = max(len(name) for name, _ in summary)
    lines.extend(f"{name.ljust(width)}  {value}" for name, value in summary)
    return "\n".join(lines)


def _summary(found: Mapping[str, Any], pool: Mapping[str, Any]) -> list[tuple[str, str]]:
    time = found["time"]
    status = pool["status_after"] + (f" ({pool['last_close_reason']})" if pool["status_after"] != "OPEN"
                                     and pool["last_close_reason"] else "")
    closed = (f", seen closed at {_seconds(time['seconds_to_close'])}" if time["seconds_to_close"] is not None
              else "")
    stopped = " (--timeout)" if time["timed_out"] else ""
    finished = (f"{_seconds(time['seconds_to_last_answer'])} to the last answer{closed}; "
                f"the crowd stopped at {_seconds(time['crowd_seconds'])}{stopped}")
    given = (f"{status}; {found['groups']['all']['general_answers']:,} general answers given of "
             f"{pool['answers_needed']:,} needed")
    if pool["answers_before"]:
        given += f"; {pool['answers_before']:,} were there before the crowd (aggregation counts them)"
    rows = [("time to complete", finished), ("pool", given)]
    for method, result in found["aggregation"].items():
        name = METHOD_NAMES.get(method, method)
        if result["failure"]:
            rows.append((name, result["failure"]))
            continue
        right = (f"{_percent(result['accuracy'])} right ({result['correct']:,} of {result['compared']:,} tasks "
                 f"with a truth; {result['tasks']:,} tasks aggregated from {result['answers']:,} answers)")
        rows.append((name, right))
    return rows
