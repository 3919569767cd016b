"""The `talaka` command: serve the API, manage requesters, upload task files."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from talaka.account_commands import performer, requester
from talaka.command_options import DATABASE_OPTION, SERVER_URL_OPTION, TOKEN_OPTION, with_store
from talaka.config import Settings
from talaka.crowd.command import simulate
from talaka.logs import LOG_FORMAT_ENV, LOG_FORMATS, configure_logging
from talaka.shutdown import exit_cleanly_on_sigterm

setup_log = logging.getLogger("talaka.setup")

if TYPE_CHECKING:
    from talaka.client._upload import UploadOptions
    from talaka.store.base import Store

T = TypeVar("T")

@click.group()
@click.version_option(package_name="talaka")
def main() -> None:
    """Talaka: task pools over the Toloka API v1."""


def _first_requester(database_url: str) -> str | None:
    """On an empty database, create a requester and return its token (shown once)."""
    from talaka.api.auth import new_token, token_hash

    async def create(store: Store) -> str | None:
        if await store.count_requesters():
            return None
        token = new_token()
        await store.create_requester("admin", token_hash(token))
        return token

    return with_store(database_url, create)


LOG_LEVEL_OPTION = click.option("--log-level", default="info", show_default=True,
                                type=click.Choice(["debug", "info", "warning", "error"]))
LOG_FORMAT_OPTION = click.option("--log-format", envvar=LOG_FORMAT_ENV, default="text", show_default=True,
                                 type=click.Choice(LOG_FORMATS),
                                 help=f"One line per event as text, or as a JSON object (also {LOG_FORMAT_ENV})")


def _metrics_environment(token: str, open_to_all: bool, workers: int) -> None:
    """Pass the metrics settings to the worker processes, and give processes that serve metrics
    together a directory to count in (prometheus-client's multi-process mode), before anything
    imports prometheus-client."""
    if token:
        os.environ["TALAKA_METRICS_TOKEN"] = token
    elif open_to_all:
        os.environ["TALAKA_METRICS_OPEN"] = "1"
    else:
        return
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        folder = tempfile.mkdtemp(prefix="talaka-metrics-")
        atexit.register(shutil.rmtree, folder, True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


def _start_health_port(host: str, port: int, log_level: str) -> None:
    """The health process beside this one (`talaka.api.health_port`), and the folder where every
    server process of this `serve` beats; both go when `serve` does (`atexit`)."""
    from talaka.api.health_port import HealthPort

    folder = tempfile.mkdtemp(prefix="talaka-heartbeat-")
    atexit.register(shutil.rmtree, folder, True)
    try:
        health_port = HealthPort(host, port, Path(folder), log_level)
    except OSError as error:
        raise click.ClickException(f"Cannot listen on {host}:{port} for --health-port: {error.strerror}") from None
    os.environ["TALAKA_HEARTBEAT_DIR"] = folder
    health_port.start()
    atexit.register(health_port.stop)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port (use PostgreSQL for more than one)")
@DATABASE_OPTION
@LOG_LEVEL_OPTION
@LOG_FORMAT_OPTION
@click.option("--metrics-token", envvar="TALAKA_METRICS_TOKEN", default="", metavar="TOKEN",
              help="Serve /metrics to scrapers sending 'Authorization: Bearer TOKEN' (env TALAKA_METRICS_TOKEN)")
@click.option("--metrics-open", is_flag=True, envvar="TALAKA_METRICS_OPEN",
              help="Serve /metrics without a token: only on a private network (env TALAKA_METRICS_OPEN=1)")
@click.option("--health-port", envvar="TALAKA_HEALTH_PORT", type=click.IntRange(1, 65535), metavar="PORT",
              help="Also answer /health and /ready on PORT, from a process that no load slows down "
                   "(env TALAKA_HEALTH_PORT)")
@click.option("--health-host", envvar="TALAKA_HEALTH_HOST", metavar="ADDRESS",
              help="Address of the health port, when not --host's: one only load balancers reach "
                   "(env TALAKA_HEALTH_HOST)")
def serve(host: str, port: int, workers: int, database_url: str, log_level: str, log_format: str,
          metrics_token: str, metrics_open: bool, health_port: int | None, health_host: str | None) -> None:
    """Serve the API (HTTP/1.1) until interrupted; also runs background operations."""
    import uvicorn

    log_config = configure_logging(log_level, log_format)
    _metrics_environment(metrics_token, metrics_open, workers)
    token = _first_requester(database_url)
    if token is not None:
        # The token goes to stdout alone, never to the log (stderr), which log collectors keep.
        setup_log.info("Created requester 'admin'; its API token is printed on stdout, only this once")
        click.echo(token)
        setup_log.info("Use it as: curl -H 'Authorization: OAuth <token>' http://%s:%d/api/v1/requester", host, port)
    os.environ["TALAKA_DATABASE_URL"] = database_url
    exit_cleanly_on_sigterm()  # so that atexit (metrics folder, health port) runs on systemd's stop
    if health_port is not None:
        _start_health_port(health_host or host, health_port, log_level)
    uvicorn.run("talaka.api.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                loop="uvloop", http="httptools", access_log=False, log_level=log_level, log_config=log_config,
                lifespan="on",
                timeout_keep_alive=30)


@main.command()
@DATABASE_OPTION
@LOG_LEVEL_OPTION
@LOG_FORMAT_OPTION
def worker(database_url: str, log_level: str, log_format: str) -> None:
    """Run background operations only (no HTTP), beside any number of servers on one database."""
    from talaka.ops.worker import run_worker

    configure_logging(log_level, log_format)
    asyncio.run(run_worker(Settings.from_env(database_url=database_url)))


@main.command()
@DATABASE_OPTION
def migrate(database_url: str) -> None:
    """Create or upgrade the database schema (servers and workers also do this when they start)."""

    async def nothing(store: Store) -> None:
        """Opening the store is what migrates it."""

    with_store(database_url, nothing)
    click.echo(f"The database at {database_url} is up to date.")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@DATABASE_OPTION
def backup(path: Path, database_url: str) -> None:
    """Copy a live SQLite database to PATH, consistent at one instant, while servers keep writing."""
    from talaka.ops.backup import BackupProblem
    from talaka.ops.backup import backup as run_backup

    try:
        report = run_backup(database_url, path)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Backed up {report.tasks:,} tasks to {report.path} ({report.size_bytes / 1e6:,.1f} MB, "
               f"checked) in {report.seconds:.1f} s", err=True)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DATABASE_OPTION
def restore(path: Path, database_url: str) -> None:
    """Replace the SQLite database with the backup at PATH (stop the servers and workers first)."""
    from talaka.ops.backup import BackupProblem
    from talaka.ops.backup import restore as run_restore

    try:
        report = run_restore(path, database_url)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Restored {report.tasks:,} tasks into {report.path} in {report.seconds:.1f} s; "
               "start the servers again (they migrate an older backup on start)", err=True)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--pool", "pool_id", required=True, metavar="ID",
              help="The pool to fill; its project's specs convert the cells")
@click.option("--allow-defaults", is_flag=True, help="Tasks without an overlap take the pool's default")
@click.option("--open-pool", is_flag=True, help="Open the pool once every row is in")
@click.option("--skip-invalid", is_flag=True, help="Create the valid rows even if some are invalid")
@click.option("--format", "file_format", type=click.Choice(["tsv", "csv", "jsonl"]),
              help="The file's format  [default: from its suffix; tsv for standard input]")
@click.option("--columns", "renames", multiple=True, metavar="OLD=NEW",
              help="Read column OLD as NEW (e.g. url=INPUT:image); OLD= skips the column; repeat for more")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="Where to write the invalid rows  [default: FILE.errors.tsv; talaka-upload.errors.tsv for -]")
@SERVER_URL_OPTION
@TOKEN_OPTION
def upload(file: str, pool_id: str, allow_defaults: bool, open_pool: bool, skip_invalid: bool,
           file_format: str | None, renames: tuple[str, ...], errors_path: str | None, url: str, token: str) -> None:
    """Upload a task file (TSV, CSV or JSON lines) into a pool; safe to stop and run again.

    FILE is a path, or - for standard input. Columns follow Toloka's convention: INPUT:name,
    GOLDEN:name, HINT:text, TASK:overlap. Cells are converted by the types of the project's
    input and output specs.

    Tasks go 10,000 a request. Each request's operation id comes from the pool, the position of
    its rows in the file and their content, so running the same command again after Ctrl-C, a
    kill or a lost connection skips what was created and never creates a task twice. Uploading
    the same file to the same pool again therefore creates nothing; but rows edited in between
    make their chunk new, so upload corrected rows as a file of their own.

    \b
    Invalid rows go to the errors file as TSV: line, field, code, message.
    Without --skip-invalid, nothing is created if any row is invalid: every
      row is checked first (a dry run), then created. Standard input is first
      copied to a temporary file (in TMPDIR, as large as the input), so this
      holds for it too.
    With --skip-invalid, the valid rows are created and the invalid ones
      listed; standard input is read once, as it comes.

    \b
    Exit status:
      0    every row of the file is in the pool
      1    some rows are invalid (without --skip-invalid: nothing new created)
      2    a usage, file, server or connection error
      130  interrupted
    """
    import sys

    from talaka.client._upload import UploadOptions

    columns: dict[str, str | None] = {}
    for rename in renames:
        old, equals, new = rename.partition("=")
        if not equals or not old:
            raise click.BadParameter(f"expected OLD=NEW, got {rename!r}", param_hint="--columns")
        columns[old] = new or None
    if file == "-":
        file_format = file_format or "tsv"
    options = UploadOptions(pool_id, allow_defaults, open_pool, skip_invalid, file_format, columns)
    sys.exit(_run_upload(file, options, errors_path, url, token))


def _run_upload(file: str, options: UploadOptions, errors_path: str | None, url: str, token: str) -> int:
    """Run one upload and print its summary; return the exit status."""
    import contextlib
    import sys
    from pathlib import Path
    from typing import BinaryIO

    import httpx

    from talaka.client._exceptions import TalakaError
    from talaka.client._sync import Client
    from talaka.client._upload import Upload, default_errors_path, spooled

    job: Upload | None = None

    def stopped(message: str) -> None:
        if job is not None and job.tally.rows:
            click.echo("\n".join(job.summary().lines(verdict=False)), err=True)
        click.echo(message, err=True)

    with contextlib.ExitStack() as stack:
        try:
            source: Path | BinaryIO = Path(file)
            if file == "-":
                stdin = sys.stdin.buffer
                source = stdin if options.skip_invalid else stack.enter_context(spooled(stdin))
            client = stack.enter_context(Client(url, token))
            job = Upload(client, source, options, Path(errors_path) if errors_path else default_errors_path(file))
            summary = job.run()
        except KeyboardInterrupt:
            stopped("Interrupted. Requests already sent may still finish. Run the same command again to "
                    "resume: nothing is created twice.")
            return 130
        except (TalakaError, httpx.HTTPError, OSError) as error:
            stopped(f"Error: {error}")
            return 2
    click.echo("\n".join(summary.lines()))
    return summary.exit_code


@main.command()
@click.argument("pool_id")
@click.option("--aggregate", type=click.Choice(["dawid-skene", "majority-vote", "weighted"]),
              help="One aggregated answer per task, with its confidence, instead of every answer")
@click.option("--field", "fields", multiple=True, metavar="NAME",
              help="Output field to aggregate (repeat for several; default: every output field)")
@click.option("--skill", "skill_id", metavar="ID", help="The skill that weighs answers (--aggregate weighted)")
@click.option("--status", "statuses", default="SUBMITTED,APPROVED,REJECTED", show_default=True, metavar="LIST",
              help="Assignments whose answers to write (every answer: not with --aggregate)")
@click.option("--format", "file_format", type=click.Choice(["tsv", "csv", "jsonl"]), default="tsv",
              show_default=True, help="TSV as get_assignments_df reads it, CSV, or JSON lines")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="Where to write (- for standard output)")
@SERVER_URL_OPTION
@TOKEN_OPTION
def results(pool_id: str, aggregate: str | None, fields: tuple[str, ...], skill_id: str | None, statuses: str,
            file_format: str, output: str, url: str, token: str) -> None:
    """Write a pool's answers, or one aggregated answer per task, to a file.

    \b
    Every answer (default): one row per task of each assignment, with the
      columns of get_assignments_df: INPUT:*, OUTPUT:*, GOLDEN:*, HINT:text,
      ASSIGNMENT:*.
    --aggregate: the pool is aggregated on the server (Dawid-Skene, majority
      vote, or a vote weighted by --skill), then one row per general task:
      task_id, INPUT:*, OUTPUT:*, CONFIDENCE:*.

    Rows are streamed as they are read, so memory stays flat however large
    the pool. A file is written as FILE.part and renamed when complete.
    """
    import sys

    import httpx

    from talaka.client._exceptions import TalakaError
    from talaka.client._progress import Progress
    from talaka.client._results import ResultsOptions, export
    from talaka.client._sync import Client

    if skill_id is not None and aggregate != "weighted":
        raise click.UsageError("--skill weighs answers for --aggregate weighted only")
    if aggregate == "weighted" and skill_id is None:
        raise click.UsageError("--aggregate weighted needs --skill ID, the skill whose values weigh answers")
    options = ResultsOptions(pool_id, file_format, aggregate, fields, skill_id, statuses)
    try:
        with Client(url, token) as client:
            rows = export(client, options, output, Progress(None))
    except KeyboardInterrupt:
        click.echo("Interrupted; nothing complete was written.", err=True)
        sys.exit(130)
    except (TalakaError, httpx.HTTPError, OSError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    noun = "tasks" if aggregate else "answers"
    click.echo(f"Wrote {rows} {noun} of pool {pool_id}" + ("" if output == "-" else f" to {output}"), err=True)


main.add_command(simulate)
main.add_command(requester)
main.add_command(performer)
