"""`talaka requester ...` and `talaka performer ...`: accounts and their tokens, on the database.

Tokens are shown once, when made, and stored only as hashes. An account may hold several live
tokens under labels, so a rotation needs no downtime: add a new label, move the clients over,
revoke the old label. `--rotate` replaces a label's token at once instead. A revoke, a rotation or
a disable reaches every server process on the database within a second (`account_changes`).
"""

from __future__ import annotations

import re

import click

from talaka.command_options import DATABASE_OPTION, with_store
from talaka.store.accounts import Account, AccountProblem

LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
DEFAULT_LABEL = "default"


def _label(value: str) -> str:
    if not LABEL.fullmatch(value):
        raise click.BadParameter(f"{value!r}: a label is 1 to 64 letters, digits, '.', '_' or '-'")
    return value


def _account_change(database_url: str, change: str, kind: str, name: str, *args: object) -> None:
    """Run one of the store's account changes; its refusals become a message and exit status 1."""
    try:
        with_store(database_url, lambda store: getattr(store, change)(kind, name, *args))
    except AccountProblem as problem:
        raise click.ClickException(str(problem)) from None


def _print_accounts(found: list[Account], detail: dict[int, str]) -> None:
    if not found:
        click.echo("(none)")
    for account in found:
        state = f"disabled since {account.disabled}" if account.disabled else "active"
        live = [token.label for token in account.tokens if token.revoked is None]
        revoked = sum(1 for token in account.tokens if token.revoked is not None)
        extra = f" {detail[account.key]}" if account.key in detail else ""
        click.echo(f"{account.name}{extra}  {state}  created {account.created}  tokens: "
                   f"{', '.join(live) or 'none'}" + (f" ({revoked} revoked)" if revoked else ""))


def _print_tokens(account: Account) -> None:
    for token in account.tokens:
        state = f"revoked {token.revoked}" if token.revoked else "live"
        click.echo(f"{token.label}  created {token.created}  {state}")


def _token_command(kind: str, name: str, rotate: bool, label: str, add: str | None, revoke: str | None,
                   database_url: str) -> None:
    from talaka.api.auth import new_token, token_hash

    chosen = [flag for flag, on in (("--rotate", rotate), ("--add", add), ("--revoke", revoke)) if on]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of {', '.join(chosen)}")
    if revoke:
        _account_change(database_url, "revoke_token", kind, name, _label(revoke))
        click.echo(f"Revoked the token {revoke!r} of {kind} {name!r}; servers refuse it within a second.",
                   err=True)
        return
    if rotate or add:
        token = new_token()
        target = _label(add or label)
        change = "add_token" if add else "rotate_token"
        _account_change(database_url, change, kind, name, target, token_hash(token))
        done = "New token" if add else "Rotated: the old token stops working within a second. New token"
        click.echo(f"{done} for {kind} {name!r}, label {target!r}, shown only once:", err=True)
        click.echo(token)
        return
    found = [account for account in with_store(database_url, lambda store: store.accounts(kind))
             if account.name == name]
    if not found:
        raise click.ClickException(f"There is no {kind} {name!r}: `talaka {kind} list` shows them")
    _print_tokens(found[0])


def _token_options(command: click.decorators.FC) -> click.decorators.FC:
    for decorator in reversed((
        click.option("--rotate", is_flag=True, help="Replace the token of --label with a new one, at once"),
        click.option("--label", default=DEFAULT_LABEL, show_default=True, help="The token --rotate replaces"),
        click.option("--add", metavar="LABEL", help="Make another token, labelled LABEL (the old ones stay)"),
        click.option("--revoke", metavar="LABEL", help="Revoke the token labelled LABEL"),
        DATABASE_OPTION,
    )):
        command = decorator(command)
    return command


@click.group()
def requester() -> None:
    """Manage requesters (the accounts that own projects, pools and tasks)."""


@requester.command("create")
@click.argument("name")
@DATABASE_OPTION
def create_requester(name: str, database_url: str) -> None:
    """Create a requester; its new API token is the last line printed."""
    from talaka.api.auth import new_token, token_hash

    token = new_token()
    requester_id = with_store(database_url, lambda store: store.create_requester(name, token_hash(token))).id
    click.echo(f"Created requester {name!r} (id {requester_id}). API token, shown only once:")
    click.echo(token)


@click.group()
def performer() -> None:
    """Manage performers (the accounts that take and do task suites), named by their ids."""


@performer.command("create")
@click.argument("name")
@click.option("--languages", default="", metavar="EN,DE", help="ISO 639-1 codes the performer reads")
@click.option("--country", default=None, metavar="GB", help="ISO 3166-1 alpha-2 country code")
@click.option("--adult-allowed", is_flag=True, help="The performer may see adult content")
@DATABASE_OPTION
def create_performer(name: str, languages: str, country: str | None, adult_allowed: bool,
                     database_url: str) -> None:
    """Create a performer; its new token for the performer API is the last line printed."""
    from talaka.api.auth import new_token, token_hash
    from talaka.core.performers import check_profile, new_performer_id

    body = {"name": name, "languages": [code for code in languages.split(",") if code.strip()],
            "country": country, "adult_allowed": adult_allowed}
    profile, errors = check_profile(body)
    if profile is None:
        raise click.UsageError("; ".join(f"{path}: {error.message}" for path, error in errors.items()))

    token = new_token()
    performer_id = with_store(database_url, lambda store: store.create_performer(
        new_performer_id(), profile, token_hash(token), None)).id
    click.echo(f"Created performer {name!r} (id {performer_id}). Performer API token, shown only once:")
    click.echo(token)


def _add_account_commands(group: click.Group, kind: str, argument: str) -> None:
    """`list`, `token`, `disable` and `enable`, which requesters and performers share; `argument`
    names the account on the command line (a requester's name, a performer's id)."""
    metavar = argument.upper()

    @group.command("list")
    @DATABASE_OPTION
    def list_accounts(database_url: str) -> None:
        found = with_store(database_url, lambda store: store.accounts(kind))
        ids = {account.key: f"(id {account.key})" for account in found} if kind == "requester" else {}
        _print_accounts(found, ids)

    shown = argument.replace("_", " ")
    list_accounts.help = f"Every {kind}: {shown}, state, and its tokens' labels (never the tokens)."

    @group.command("token")
    @click.argument(argument)
    @_token_options
    def token(rotate: bool, label: str, add: str | None, revoke: str | None, database_url: str,
              **named: str) -> None:
        _token_command(kind, named[argument], rotate, label, add, revoke, database_url)

    token.help = (f"List {metavar}'s tokens, or rotate, add or revoke one; a new token is the last line "
                  "printed.")

    for command, disabled in (("disable", True), ("enable", False)):
        @group.command(command)
        @click.argument(argument)
        @DATABASE_OPTION
        def change(database_url: str, disabled: bool = disabled, **named: str) -> None:
            _account_change(database_url, "set_disabled", kind, named[argument], disabled)
            done = "Disabled" if disabled else "Enabled"
            after = ": its tokens are refused within a second." if disabled else "."
            click.echo(f"{done} {kind} {named[argument]!r}{after}", err=True)

        change.help = (f"Refuse every token of {metavar} until `enable` (what it owns stays)." if disabled
                       else f"Accept {metavar}'s live tokens again.")


_add_account_commands(requester, "requester", "name")
_add_account_commands(performer, "performer", "performer_id")
