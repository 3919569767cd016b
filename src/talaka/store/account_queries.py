"""SQL of accounts and their tokens, written once with `?` for requesters and performers alike.

`{tokens}`, `{owner}`, `{accounts}` and `{key}` name a kind's tables: `tokens.requester_id` →
`requesters.id`, or `performer_tokens.performer_no` → `performers.no` (see `KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements


@dataclass(frozen=True)
class AccountQueries(Statements):
    EPOCH: str = "SELECT epoch FROM account_changes WHERE id = 1"
    BUMP_EPOCH: str = "UPDATE account_changes SET epoch = epoch + 1 WHERE id = 1"
    ACCOUNTS: str = "SELECT {key}, {label}, created, disabled FROM {accounts} ORDER BY {key}"
    ACCOUNTS_NAMED: str = "SELECT {key} FROM {accounts} WHERE {label} = ?"
    TOKENS: str = "SELECT {owner}, label, created, revoked FROM {tokens} ORDER BY {owner}, created, label"
    INSERT_TOKEN: str = "INSERT INTO {tokens} (hash, {owner}, created, label) VALUES (?, ?, ?, ?)"
    LIVE_LABEL: str = "SELECT 1 FROM {tokens} WHERE {owner} = ? AND label = ? AND revoked IS NULL"
    REVOKE: str = "UPDATE {tokens} SET revoked = ? WHERE {owner} = ? AND label = ? AND revoked IS NULL"
    SET_DISABLED: str = "UPDATE {accounts} SET disabled = ? WHERE {key} = ?"
    TOKEN_STATE: str = ("SELECT t.label, t.revoked, a.disabled, a.{label} FROM {tokens} AS t "
                        "JOIN {accounts} AS a ON a.{key} = t.{owner} WHERE t.hash = ?")


@dataclass(frozen=True)
class Kind:
    """The tables of one kind of account."""

    name: str
    tokens: str
    owner: str
    accounts: str
    key: str
    label: str
    """The column that names an account to people: a requester's name, a performer's id."""

    def sql(self, statement: str) -> str:
        return statement.format(tokens=self.tokens, owner=self.owner, accounts=self.accounts, key=self.key,
                                label=self.label)


KINDS = {
    "requester": Kind("requester", "tokens", "requester_id", "requesters", "id", "name"),
    "performer": Kind("performer", "performer_tokens", "performer_no", "performers", "no", "id"),
}
SQLITE = AccountQueries().for_dialect("?")
POSTGRES = AccountQueries().for_dialect("%s")
