"""The `talaka` command: serve the API, manage requesters."""

from __future__ import annotations

import asyncio
import os

import click

from talaka.config import DEFAULT_DATABASE_URL, Settings
from talaka.logs import configure_logging

DATABASE_OPTION = click.option(
    "--database", "database_url", envvar="TALAKA_DATABASE_URL", default=DEFAULT_DATABASE_URL, show_default=True,
    help="Database URL: sqlite:///path/to/file.db (env TALAKA_DATABASE_URL)")


@click.group()
@click.version_option(package_name="talaka")
def main() -> None:
    """Talaka: task pools over the Toloka API v1."""


async def _first_requester(database_url: str) -> str | None:
    """On an empty database, create a requester and return its token (shown once)."""
    from talaka.api.auth import new_token, token_hash
    from talaka.store import open_store

    store = open_store(database_url)
    await store.start()
    try:
        if await store.count_requesters():
            return None
        token = new_token()
        await store.create_requester("admin", token_hash(token))
        return token
    finally:
        await store.close()


LOG_LEVEL_OPTION = click.option("--log-level", default="info", show_default=True,
                                type=click.Choice(["debug", "info", "warning", "error"]))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port (use PostgreSQL for more than one)")
@DATABASE_OPTION
@LOG_LEVEL_OPTION
def serve(host: str, port: int, workers: int, database_url: str, log_level: str) -> None:
    """Serve the API (HTTP/1.1) until interrupted; also runs background operations."""
    import uvicorn

    configure_logging(log_level)
    token = asyncio.run(_first_requester(database_url))
    if token is not None:
        click.echo("Created requester 'admin'. Its API token (shown only this once):", err=True)
        click.echo(token)
        click.echo(f"Use it as: curl -H 'Authorization: OAuth {token}' http://{host}:{port}/api/v1/requester",
                   err=True)
    os.environ["TALAKA_DATABASE_URL"] = database_url
    uvicorn.run("talaka.api.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                loop="uvloop", http="httptools", access_log=False, log_level=log_level, lifespan="on",
                timeout_keep_alive=30)


@main.command()
@DATABASE_OPTION
@LOG_LEVEL_OPTION
def worker(database_url: str, log_level: str) -> None:
    """Run background operations only (no HTTP), beside any number of servers on one database."""
    from talaka.ops.worker import run_worker

    configure_logging(log_level)
    asyncio.run(run_worker(Settings.from_env(database_url=database_url)))


@main.command()
@DATABASE_OPTION
def migrate(database_url: str) -> None:
    """Create or upgrade the database schema (servers and workers also do this when they start)."""
    from talaka.store import open_store

    async def upgrade() -> None:
        store = open_store(database_url)
        await store.start()
        await store.close()

    asyncio.run(upgrade())
    click.echo(f"The database at {database_url} is up to date.")


@main.group()
def requester() -> None:
    """Manage requesters (the accounts that own projects, pools and tasks)."""


@requester.command("create")
@click.argument("name")
@DATABASE_OPTION
def create_requester(name: str, database_url: str) -> None:
    """Create a requester; its new API token is the last line printed."""
    from talaka.api.auth import new_token, token_hash
    from talaka.store import open_store

    async def create() -> tuple[int, str]:
        store = open_store(database_url)
        await store.start()
        try:
            token = new_token()
            created = await store.create_requester(name, token_hash(token))
            return created.id, token
        finally:
            await store.close()

    requester_id, token = asyncio.run(create())
    click.echo(f"Created requester {name!r} (id {requester_id}). API token, shown only once:")
    click.echo(token)
