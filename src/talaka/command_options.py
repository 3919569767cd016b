"""Options shared by commands: those that talk to a running server (`upload`, `results`,
`simulate`) and those that open the database (`serve`, `requester`, `performer`, `backup`).

Kept out of `talaka.cli` so that command modules elsewhere (`talaka.crowd.command`,
`talaka.account_commands`) can use them without importing the whole command line, which imports them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

from talaka.config import DEFAULT_DATABASE_URL

if TYPE_CHECKING:
    from talaka.store.base import Store

T = TypeVar("T")

SERVER_URL_OPTION = click.option(
    "--url", envvar="TALAKA_URL", default="http://127.0.0.1:8000", show_default=True, metavar="URL",
    help="The server (env TALAKA_URL)")
TOKEN_OPTION = click.option("--token", envvar="TALAKA_TOKEN", required=True, metavar="TOKEN",
                            help="An API token (env TALAKA_TOKEN)")
DATABASE_OPTION = click.option(
    "--database", "database_url", envvar="TALAKA_DATABASE_URL", default=DEFAULT_DATABASE_URL, show_default=True,
    help="Database URL: sqlite:///path/to/file.db (env TALAKA_DATABASE_URL)")


def with_store(database_url: str, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` on the database (migrated on opening), then close it."""
    from talaka.store import open_store

    async def run() -> T:
        store = open_store(database_url)
        await store.start()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())
