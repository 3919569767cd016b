"""Accounts and tokens, run on a backend thread: list, add, revoke, rotate, disable, enable.

Every change that takes access away raises the epoch in `account_changes` in the same
transaction, so a server process that sees the new epoch knows its cached tokens may be stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from talaka.core.timefmt import now_text
from talaka.store.account_queries import KINDS, AccountQueries
from talaka.store.dbapi import Connection, Dialect


@dataclass(frozen=True)
class TokenInfo:
    label: str
    created: str
    revoked: str | None


@dataclass
class Account:
    kind: str
    key: int
    name: str
    created: str
    disabled: str | None
    tokens: list[TokenInfo] = field(default_factory=list)


@dataclass(frozen=True)
class TokenState:
    """Why a token that exists was refused."""

    label: str
    revoked: str | None
    disabled: str | None
    account: str


class AccountProblem(Exception):
    """A change that cannot be made; the message says why and what to do."""


def _q(d: Dialect) -> AccountQueries:
    return d.ac


def accounts(conn: Connection, d: Dialect, kind: str) -> list[Account]:
    k = KINDS[kind]
    found = {int(key): Account(kind, int(key), str(name), created, disabled)
             for key, name, created, disabled in conn.execute(k.sql(_q(d).ACCOUNTS), ()).fetchall()}
    for owner, label, created, revoked in conn.execute(k.sql(_q(d).TOKENS), ()).fetchall():
        if int(owner) in found:
            found[int(owner)].tokens.append(TokenInfo(label, created, revoked))
    return list(found.values())


def account_key(conn: Connection, d: Dialect, kind: str, name: str) -> int:
    """The one account called `name` (a requester's name, a performer's id)."""
    k = KINDS[kind]
    keys = [int(row[0]) for row in conn.execute(k.sql(_q(d).ACCOUNTS_NAMED), (name,)).fetchall()]
    if not keys:
        raise AccountProblem(f"There is no {kind} {name!r}: `talaka {kind} list` shows them")
    if len(keys) > 1:
        raise AccountProblem(f"{len(keys)} {kind}s are called {name!r}; rename all but one first")
    return keys[0]


def add_token(conn: Connection, d: Dialect, kind: str, name: str, label: str, token_hash: bytes) -> None:
    k = KINDS[kind]
    key = account_key(conn, d, kind, name)
    if conn.execute(k.sql(_q(d).LIVE_LABEL), (key, label)).fetchone() is not None:
        raise AccountProblem(f"The {kind} {name!r} already has a token labelled {label!r}: choose another label, "
                             f"or replace it with --rotate")
    conn.execute(k.sql(_q(d).INSERT_TOKEN), (token_hash, key, now_text(), label))


def revoke_token(conn: Connection, d: Dialect, kind: str, name: str, label: str) -> None:
    k = KINDS[kind]
    key = account_key(conn, d, kind, name)
    revoked = conn.execute(k.sql(_q(d).REVOKE), (now_text(), key, label)).rowcount
    if not revoked:
        raise AccountProblem(f"The {kind} {name!r} has no live token labelled {label!r}: `talaka {kind} token "
                             f"{name}` lists them")
    conn.execute(_q(d).BUMP_EPOCH, ())


def rotate_token(conn: Connection, d: Dialect, kind: str, name: str, label: str, token_hash: bytes) -> None:
    """Revoke the live token labelled `label` (if any) and give the label a new token, at once."""
    k = KINDS[kind]
    key = account_key(conn, d, kind, name)
    now = now_text()
    conn.execute(k.sql(_q(d).REVOKE), (now, key, label))
    conn.execute(k.sql(_q(d).INSERT_TOKEN), (token_hash, key, now, label))
    conn.execute(_q(d).BUMP_EPOCH, ())


def set_disabled(conn: Connection, d: Dialect, kind: str, name: str, disabled: bool) -> None:
    k = KINDS[kind]
    key = account_key(conn, d, kind, name)
    conn.execute(k.sql(_q(d).SET_DISABLED), (now_text() if disabled else None, key))
    conn.execute(_q(d).BUMP_EPOCH, ())


def epoch(conn: Connection, d: Dialect) -> int:
    return int(conn.execute(_q(d).EPOCH, ()).fetchone()[0])


def token_state(conn: Connection, d: Dialect, kind: str, token_hash: bytes) -> TokenState | None:
    row = conn.execute(KINDS[kind].sql(_q(d).TOKEN_STATE), (token_hash,)).fetchone()
    return TokenState(row[0], row[1], row[2], str(row[3])) if row else None
