"""`talaka simulate`: the click command. Only click and the standard library load with it; the SDK,
httpx and the simulation load when the command runs, so `talaka --help` stays fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from talaka.command_options import SERVER_URL_OPTION, TOKEN_OPTION

if TYPE_CHECKING:
    from talaka.crowd.behaviour import Accuracy
    from talaka.crowd.run import Options
    from talaka.crowd.truth import TruthFile


def _accuracy(context: click.Context, parameter: click.Parameter, value: str) -> Accuracy:
    from talaka.crowd.behaviour import parse_accuracy

    try:
        return parse_accuracy(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _truth(context: click.Context, parameter: click.Parameter, value: str | None) -> TruthFile | None:
    from talaka.crowd.truth import TruthError, parse_truth_file

    if value is None:
        return None
    try:
        return parse_truth_file(value)
    except TruthError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("pool_id")
@click.option("--performers", default=50, show_default=True, type=click.IntRange(1, 10_000),
              help="How many virtual performers work the pool")
@click.option("--accuracy", default="0.7-0.95", show_default=True, callback=_accuracy, metavar="RANGE|beta:A,B",
              help="Honest performers' accuracies: uniform over LOW-HIGH, one value for all, or Beta(A, B)")
@click.option("--spammers", "spammer_share", default=0.1, show_default=True, type=click.FloatRange(0.0, 1.0),
              help="The share of performers who answer at random and submit at once")
@click.option("--seconds-per-task", default=0.0, show_default=True, type=click.FloatRange(0.0),
              help="How long an honest performer looks at each task before submitting its suite")
@click.option("--truth", "truth_file", default=None, callback=_truth, metavar="FILE:COLUMN",
              help="A task file (TSV, CSV, JSONL) with the INPUT columns and a column of true labels  "
                   "[default: control tasks only; general tasks get a truth drawn by the simulator]")
@click.option("--field", default=None, metavar="NAME",
              help="The output field to answer  [default: the only one with allowed_values or boolean]")
@click.option("--seed", default=0, show_default=True, type=int, help="Seeds every draw: crowd, answers, truth")
@click.option("--json", "json_path", default=None, type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Also write the figures (with each performer and the truth used) as JSON")
@click.option("--timeout", default=None, type=click.FloatRange(0.0, min_open=True), metavar="SECONDS",
              help="Stop the crowd after this long and report what it did  [default: when it is done]")
@click.option("--open-pool", is_flag=True, help="Open the pool first if it is closed")
@click.option("--progress/--no-progress", default=None,
              help="A progress bar on stderr  [default: when stderr is a terminal]")
@SERVER_URL_OPTION
@TOKEN_OPTION
def simulate(pool_id: str, performers: int, accuracy: Accuracy, spammer_share: float, seconds_per_task: float,
             truth_file: TruthFile | None, field: str | None, seed: int, json_path: str | None,
             timeout: float | None, open_pool: bool, progress: bool | None, url: str, token: str) -> None:
    """Let a crowd of virtual performers work a real pool, then print what happened.

    Try a pool's overlap, mixer and quality-control rules before people are paid: PERFORMERS new
    performer accounts take suites from pool POOL_ID through the performer API until nothing is
    left for them or its rules ban them. Honest ones answer right with their accuracy (drawn from
    --accuracy), otherwise one of the other labels; spammers answer at random and at once. Then
    the pool is aggregated on the server with majority vote and Dawid-Skene, and both are
    compared with the truth.

    \b
    The table shows, for honest performers, spammers and all: suites taken,
    answers, the accuracy of the raw answers, bans by rule and why each stopped;
    then the time to complete and the accuracy of each aggregation.

    The truth is a column of a task file (--truth tasks.tsv:truth, its rows matched to the pool's
    tasks by their INPUT values), or, without a file, the control tasks' known solutions with a
    truth for each general task drawn by the simulator. Run it on a copy of the real pool: the
    crowd's answers stay in the pool it works.

    \b
    Exit status:
      0    the crowd worked and the figures were printed
      2    a usage, pool, file, server or connection error
      130  interrupted
    """
    from talaka.crowd.run import Options

    options = Options(pool_id, performers, accuracy, spammer_share, seconds_per_task, truth_file, field, seed,
                      timeout, open_pool, progress)
    sys.exit(_run(options, url, token, Path(json_path) if json_path else None))


def _run(options: Options, url: str, token: str, json_path: Path | None) -> int:
    """Simulate, print the table (and write the JSON); return the exit status."""
    import asyncio
    import json

    import httpx

    from talaka.client._exceptions import TalakaError
    from talaka.crowd.behaviour import FieldChoiceError
    from talaka.crowd.report import figures, table
    from talaka.crowd.run import SimulationError, simulate
    from talaka.crowd.truth import TruthError

    try:
        outcome = asyncio.run(simulate(options, url, token))
    except KeyboardInterrupt:
        click.echo("Interrupted. The performers made so far keep their answers in the pool.", err=True)
        return 130
    except (SimulationError, FieldChoiceError, TruthError) as error:
        click.echo(f"Error: {error}", err=True)
        return 2
    except (TalakaError, httpx.HTTPError, OSError) as error:
        click.echo(f"Error: {type(error).__name__}: {error}", err=True)
        return 2
    found = figures(outcome)
    click.echo(table(found))
    if json_path is not None:
        json_path.write_text(json.dumps(found, indent=1, default=str) + "\n", encoding="utf-8")
    return 0
