"""What a batch needs to know about each pool it writes into, compiled once per spec."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import msgspec

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.fastcheck import compile_fast_check
from talaka.core.validation import compile_validator


@dataclass(frozen=True, slots=True)
class CompiledSpec:
    """A field spec ready to check values: the C-speed pre-check and the complete validator."""

    fast: Callable[[bytes], bool]
    full: Callable[[object, str], FieldErrors]


@lru_cache(maxsize=1024)
def _compile(spec_json: bytes) -> CompiledSpec:
    spec: Mapping[str, Mapping[str, Any]] = msgspec.json.decode(spec_json)
    return CompiledSpec(fast=compile_fast_check(spec), full=compile_validator(spec))


def compile_spec(spec: Mapping[str, Any]) -> CompiledSpec:
    """Compile (or fetch from the cache) the checks for one input or output spec.

    The cache key is the spec's canonical JSON, so an updated project gets new checks while the
    thousands of pools that share one project share one compiled copy.
    """
    return _compile(msgspec.json.encode(spec, order="sorted"))


@dataclass(frozen=True, slots=True)
class PoolRules:
    """A pool that accepts new tasks, with the checks of its project.

    `training`: the pool is a training, whose tasks every performer does, so each one gets infinite
    overlap whatever the task or the request says (work-loop spec, settled detail 7).
    """

    pool_id: int
    revision: int
    default_overlap: int | None
    default_suite_overlap: int | None
    input: CompiledSpec
    output: CompiledSpec
    training: bool = False


@dataclass(frozen=True, slots=True)
class PoolRefusal:
    """Why a pool takes no tasks: the error every task naming it gets at `pool_id`."""

    pool_id: int
    revision: int
    error: FieldError


UNKNOWN_POOL = FieldError("ENTITY_DOES_NOT_EXIST", "Entity does not exist: no pool with this id is yours")


def archived_pool(status: str) -> FieldError:
    return FieldError("POOL_INAPPROPRIATE_STATUS",
                      f"The pool is {status}; tasks can be added to open or closed pools only")
