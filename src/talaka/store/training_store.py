"""Trainings in the store: pools marked `training = 1`, which share the pools' ids and endpoints.

A Protocol with its methods written out, so that `Store` lists them and `SqlStore` inherits them
(like `WorkStore`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from talaka.store.dbapi import Dialect, Engine


class TrainingStore(Protocol):
    engine: Engine
    d: Dialect
