"""Options shared by the commands that talk to a running server (`upload`, `results`, `simulate`).

Kept out of `talaka.cli` so that command modules elsewhere (`talaka.crowd.command`) can use them
without importing the whole command line, which imports them.
"""

from __future__ import annotations

import click

SERVER_URL_OPTION = click.option(
    "--url", envvar="TALAKA_URL", default="http://127.0.0.1:8000", show_default=True, metavar="URL",
    help="The server (env TALAKA_URL)")
TOKEN_OPTION = click.option("--token", envvar="TALAKA_TOKEN", required=True, metavar="TOKEN",
                            help="An API token (env TALAKA_TOKEN)")
