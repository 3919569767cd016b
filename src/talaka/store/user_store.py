"""The requester's users in the store: skills, user skills, restrictions and bonuses.

A Protocol with its methods written out over the functions in `users`, so that `Store` lists
them and `SqlStore` inherits them (like `WorkStore`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from talaka.store.dbapi import Dialect, Engine


class UserStore(Protocol):
    engine: Engine
    d: Dialect
