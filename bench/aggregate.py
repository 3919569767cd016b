"""Aggregation benchmark: Talaka's Dawid-Skene beside crowd-kit's, on the same answers in the same run.

    python bench/aggregate.py [--tasks 200000] [--overlap 5] [--performers 2000] [--labels 5] [--seed 7]
    python bench/aggregate.py --quick                       # 20,000 tasks: a check in seconds

A crowd is generated from `--seed`: `--tasks` tasks with true labels drawn from uneven priors,
each answered by `--overlap` distinct performers out of `--performers`, who work unevenly (a
log-normal share of the work each). Most performers are good (accuracy from Beta(6, 2), their
mistakes leaning to the next label, as real confusions do), 15% are close to a coin with
`--labels` sides, and 5% are spammers who give one label to everything. Ids are strings as an
export gives them: Toloka-shaped task ids, 32-hex-digit performer ids, labels `label0`, `label1`...
The answers are written once, in random order, to a TSV file (`task`, `worker`, `label`).

Each library then runs in a fresh process of its own (`--run talaka|crowdkit FILE`), which loads
the file in the form the library takes (crowd-kit: a pandas DataFrame from `read_csv`; Talaka:
the rows as string tuples, added one by one to an `AnswerTable` as the server's store does) and
only then starts measuring the aggregation itself, with both libraries' defaults
(`n_iter=100`, `tol=1e-5`):

- **time**: crowd-kit's `DawidSkene.fit`; Talaka's `AnswerTable` building and `freeze`, plus
  `DawidSkene.fit_predict`, reported apart and together;
- **peak RSS growth**: the process's resident peak during that run (`VmHWM`, reset after loading
  through `/proc/self/clear_refs`) over its resident size after loading;
- **peak traced memory**: the same aggregation run a second time under `tracemalloc`, which counts
  Python objects, NumPy buffers and pandas' hash tables (not Arrow buffers, so pandas' `str`
  columns are seen by the RSS figure only); it slows Python code, so it is never timed;
- the EM rounds run, and each task's label and confidence, written beside FILE for this process.

It prints both side by side with the ratios (crowd-kit time over Talaka's, Talaka's memory over
crowd-kit's), each library's accuracy against the true labels, how many tasks got different
labels (it exits 1 unless none did) and the largest difference of confidences.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

LIBRARIES = ("talaka", "crowdkit")
QUICK_TASKS = 20_000
NEAR_RANDOM_SHARE = 0.15
SPAMMER_SHARE = 0.05
NEXT_LABEL_SHARE = 0.5
"""of a good performer's mistakes, the share that is the label after the true one"""
MB = 1024 * 1024


@dataclass(frozen=True)
class Crowd:
    """The generated answers (`task`, `worker`, `label` as indices, in the order written) and the truth."""

    task: npt.NDArray[np.int64]
    worker: npt.NDArray[np.int64]
    label: npt.NDArray[np.int64]
    truth: npt.NDArray[np.int64]
    task_ids: list[str]
    worker_ids: list[str]
    label_names: list[str]


def make_crowd(tasks: int, overlap: int, performers: int, labels: int, seed: int) -> Crowd:
    """The crowd the module docstring describes, the same for the same arguments."""
    if not 1 <= overlap <= performers or labels < 2:
        raise SystemExit(f"Need 1 <= --overlap <= --performers and --labels >= 2; got overlap {overlap}, "
                         f"{performers} performers, {labels} labels")
    rng = np.random.default_rng(seed)
    priors = 0.7 ** np.arange(labels)
    truth = rng.choice(labels, size=tasks, p=priors / priors.sum())
    kind = rng.random(performers)
    accuracy = rng.beta(6.0, 2.0, performers)
    near_random = kind < NEAR_RANDOM_SHARE
    accuracy[near_random] = rng.uniform(1 / labels, 1 / labels + 0.15, int(near_random.sum()))
    spammer = kind >= 1 - SPAMMER_SHARE
    spam_label = rng.integers(labels, size=performers)
    activity = rng.lognormal(0.0, 1.0, performers)
    share = activity / activity.sum()
    workers = rng.choice(performers, size=(tasks, overlap), p=share)
    while True:  # redraw the (few) tasks that drew a performer twice
        ordered = np.sort(workers, axis=1)
        twice = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not twice.any():
            break
        workers[twice] = rng.choice(performers, size=(int(twice.sum()), overlap), p=share)
    task = np.repeat(np.arange(tasks), overlap)
    worker = workers.ravel()
    true = truth[task]
    other = (true + rng.integers(1, labels, size=task.size)) % labels
    mistake = np.where(rng.random(task.size) < NEXT_LABEL_SHARE, (true + 1) % labels, other)
    label = np.where(rng.random(task.size) < accuracy[worker], true, mistake)
    label = np.where(spammer[worker], spam_label[worker], label)
    order = rng.permutation(task.size)
    hex_ids = rng.bytes(16 * performers).hex()
    return Crowd(task[order], worker[order], label[order], truth,
                 task_ids=[f"00001f0e5c--{number:024x}" for number in range(tasks)],
                 worker_ids=[hex_ids[32 * number:32 * (number + 1)] for number in range(performers)],
                 label_names=[f"label{number}" for number in range(labels)])


def write_answers(crowd: Crowd, path: Path) -> None:
    tasks, workers, labels = crowd.task_ids, crowd.worker_ids, crowd.label_names
    with path.open("w", newline="") as file:
        file.write("task\tworker\tlabel\n")
        file.writelines(f"{tasks[t]}\t{workers[w]}\t{labels[k]}\n"
                        for t, w, k in zip(crowd.task.tolist(), crowd.worker.tolist(), crowd.label.tolist(),
                                           strict=True))


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/self/status has no {field}: this benchmark needs Linux")


def measured(aggregate: Callable[[], Any]) -> tuple[Any, float, float]:
    """`aggregate()`, its wall time and its peak RSS over the RSS before it, in MB."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak RSS starts again from the current RSS
    before = _status_mb("VmRSS:")
    start = time.perf_counter()
    result = aggregate()
    seconds = time.perf_counter() - start
    return result, seconds, _status_mb("VmHWM:") - before


def traced_peak_mb(aggregate: Callable[[], Any]) -> float:
    """The most memory `aggregate()` held at once, as tracemalloc counts it."""
    gc.collect()
    tracemalloc.start()
    try:
        aggregate()
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def run_talaka(path: Path) -> tuple[dict[str, Any], list[str], list[str], npt.NDArray[np.float64]]:
    from talaka.core.aggregation import AnswerTable, DawidSkene

    start = time.perf_counter()
    with path.open(newline="") as file:
        reader = csv.reader(file, delimiter="\t")
        next(reader)
        rows = [(task, worker, label) for task, worker, label in reader]
    load = time.perf_counter() - start
    parts: dict[str, float] = {}

    def aggregate() -> tuple[AnswerTable, list[Any], Any, DawidSkene]:
        start = time.perf_counter()
        table = AnswerTable()
        add = table.add
        for task, worker, label in rows:
            add(task, worker, label)
        answers, labels = table.freeze()
        parts["table_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        model = DawidSkene()
        result = model.fit_predict(answers)
        parts["fit_seconds"] = time.perf_counter() - start
        return table, labels, result, model

    (table, labels, result, model), seconds, rss = measured(aggregate)
    report = {"answers": len(rows), "load_seconds": load, "seconds": seconds, **parts,
              "peak_rss_growth_mb": rss, "iterations": len(model.loss_history_)}
    task_ids = [str(key) for key in table.task_keys]
    chosen = [str(labels[index]) for index in result.label.tolist()]
    confidence = result.confidence
    del table, labels, result, model
    report["peak_traced_mb"] = traced_peak_mb(aggregate)
    return report, task_ids, chosen, confidence


def run_crowdkit(path: Path) -> tuple[dict[str, Any], list[str], list[str], npt.NDArray[np.float64]]:
    import pandas as pd  # type: ignore[import-untyped]
    from crowdkit.aggregation import DawidSkene

    warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning)  # crowd-kit 1.4.2 under pandas 3
    start = time.perf_counter()
    data = pd.read_csv(path, sep="\t")
    load = time.perf_counter() - start

    def aggregate() -> DawidSkene:
        return DawidSkene(n_iter=100, tol=1e-5).fit(data)

    model, seconds, rss = measured(aggregate)
    report = {"answers": len(data), "load_seconds": load, "seconds": seconds, "fit_seconds": seconds,
              "peak_rss_growth_mb": rss, "iterations": len(model.loss_history_)}
    chosen = model.labels_
    confidence = model.probas_.max(axis=1).reindex(chosen.index).to_numpy(dtype=np.float64)
    task_ids, labels = [str(task) for task in chosen.index], [str(label) for label in chosen.tolist()]
    del model, chosen
    report["peak_traced_mb"] = traced_peak_mb(aggregate)
    return report, task_ids, labels, confidence


def run(library: str, path: Path) -> None:
    """One library's measurements, as JSON on stdout; its labels in `{library}.npz` beside `path`."""
    report, task_ids, labels, confidence = (run_talaka if library == "talaka" else run_crowdkit)(path)
    np.savez(path.with_name(f"{library}.npz"), task=np.array(task_ids), label=np.array(labels),
             confidence=confidence)
    print(json.dumps(report))


@dataclass(frozen=True)
class Outcome:
    report: dict[str, Any]
    label: npt.NDArray[np.int64]
    """per task, in `Crowd.task_ids` order: the index of the label given"""
    confidence: npt.NDArray[np.float64]


def contend(library: str, path: Path, crowd: Crowd) -> Outcome:
    """Runs `library` in its own process and reads back what it gave, in the crowd's task order."""
    print(f"running {library} ...", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, __file__, "--run", library, str(path)], check=True,
                          stdout=subprocess.PIPE, text=True)
    report = json.loads(done.stdout)
    with np.load(path.with_name(f"{library}.npz")) as saved:
        place = {task: index for index, task in enumerate(saved["task"].tolist())}
        if sorted(place) != sorted(crowd.task_ids):
            raise SystemExit(f"{library} returned labels for {len(place):,} tasks, not the "
                             f"{len(crowd.task_ids):,} answered: its output cannot be compared")
        rows = np.array([place[task] for task in crowd.task_ids])
        number = {name: index for index, name in enumerate(crowd.label_names)}
        label = np.array([number[name] for name in saved["label"][rows].tolist()])
        confidence = saved["confidence"][rows].astype(np.float64)
    return Outcome(report, label, confidence)


def versions() -> str:
    from importlib.metadata import version

    return (f"Python {platform.python_version()}, numpy {version('numpy')}, pandas {version('pandas')}, "
            f"crowd-kit {version('crowd-kit')}")


def print_table(crowd: Crowd, talaka: Outcome, crowdkit: Outcome, differing: int,
                confidence_diff: float) -> None:
    t, c = talaka.report, crowdkit.report
    truth = crowd.truth
    print(f"{c['answers']:,} answers, {len(crowd.task_ids):,} tasks, {len(crowd.worker_ids):,} performers, "
          f"{len(crowd.label_names)} labels; {versions()}")
    print()
    print("| | Talaka | crowd-kit | ratio |")
    print("|---|---|---|---|")
    print(f"| time | {t['seconds']:.2f} s (table {t['table_seconds']:.2f} s + fit {t['fit_seconds']:.2f} s) "
          f"| {c['seconds']:.2f} s | crowd-kit / Talaka: **{c['seconds'] / t['seconds']:.1f}x** "
          f"(fit alone {c['seconds'] / t['fit_seconds']:.1f}x) |")
    print(f"| peak traced memory | {t['peak_traced_mb']:.0f} MB | {c['peak_traced_mb']:.0f} MB "
          f"| Talaka / crowd-kit: **{t['peak_traced_mb'] / c['peak_traced_mb']:.2f}** |")
    print(f"| peak RSS growth | {t['peak_rss_growth_mb']:.0f} MB | {c['peak_rss_growth_mb']:.0f} MB "
          f"| Talaka / crowd-kit: **{t['peak_rss_growth_mb'] / c['peak_rss_growth_mb']:.2f}** |")
    print(f"| EM rounds | {t['iterations']} | {c['iterations']} | |")
    print(f"| accuracy vs truth | {np.mean(talaka.label == truth):.4f} "
          f"| {np.mean(crowdkit.label == truth):.4f} | |")
    print(f"| loading (not counted) | {t['load_seconds']:.2f} s | {c['load_seconds']:.2f} s | |")
    print()
    print(f"tasks labelled differently: {differing:,} of {len(truth):,}; "
          f"largest confidence difference: {confidence_diff:.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--overlap", type=int, default=5)
    parser.add_argument("--performers", type=int, default=2_000)
    parser.add_argument("--labels", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_TASKS:,} tasks instead of --tasks")
    parser.add_argument("--run", choices=LIBRARIES, help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.run, args.file)
        return
    crowd = make_crowd(QUICK_TASKS if args.quick else args.tasks, args.overlap, args.performers, args.labels,
                       args.seed)
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "answers.tsv"
        write_answers(crowd, path)
        talaka, crowdkit = (contend(library, path, crowd) for library in LIBRARIES)
    differing = int(np.count_nonzero(talaka.label != crowdkit.label))
    confidence_diff = float(np.abs(talaka.confidence - crowdkit.confidence).max())
    print(json.dumps({"talaka": talaka.report, "crowdkit": crowdkit.report, "differing_labels": differing,
                      "max_confidence_diff": confidence_diff}, indent=2))
    print_table(crowd, talaka, crowdkit, differing, confidence_diff)
    if differing:
        sys.exit(f"{differing:,} tasks got different labels from Talaka and crowd-kit: "
                 "Talaka's Dawid-Skene no longer follows crowd-kit's")


if __name__ == "__main__":
    main()
