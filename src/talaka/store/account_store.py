"""Accounts in the store: the methods of `accounts`, written out so that `Store` lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from talaka.store import accounts
from talaka.store.accounts import Account, TokenState

if TYPE_CHECKING:
    from talaka.store.dbapi import Dialect, Engine


class AccountStore(Protocol):
    engine: Engine
    d: Dialect

    async def accounts(self, kind: str) -> list[Account]:
        """Every requester or performer with its tokens (labels and dates, never the tokens)."""
        return await self.engine.read(accounts.accounts, self.d, kind)

    async def add_token(self, kind: str, name: str, label: str, token_hash: bytes) -> None:
        await self.engine.write(accounts.add_token, self.d, kind, name, label, token_hash)

    async def revoke_token(self, kind: str, name: str, label: str) -> None:
        await self.engine.write(accounts.revoke_token, self.d, kind, name, label)

    async def rotate_token(self, kind: str, name: str, label: str, token_hash: bytes) -> None:
        await self.engine.write(accounts.rotate_token, self.d, kind, name, label, token_hash)

    async def set_disabled(self, kind: str, name: str, disabled: bool) -> None:
        await self.engine.write(accounts.set_disabled, self.d, kind, name, disabled)

    async def account_epoch(self) -> int:
        """Raised by every change that takes access away; caches of tokens compare it."""
        return await self.engine.read(accounts.epoch, self.d)

    async def token_state(self, kind: str, token_hash: bytes) -> TokenState | None:
        """Why a known token is refused (revoked, or its account disabled); None for unknown ones."""
        return await self.engine.read(accounts.token_state, self.d, kind, token_hash)
