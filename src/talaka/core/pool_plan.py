"""Everything the work loop needs to know about one pool, compiled once per pool revision.

Taking and submitting run thousands of times a second against a handful of pools, so the pool's
and project's JSON is decoded once into a `PoolPlan` (mixer, timings, output checks, and the
JSON fragments every performer answer repeats) and kept until the pool's revision changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from talaka.core.mixer import MixerConfig
from talaka.core.rules import CompiledSpec, compile_spec

DEFAULT_MAX_DURATION_SECONDS = 3600
DEFAULT_AUTO_ACCEPT_PERIOD_DAYS = 21
_encode = msgspec.json.encode
_decode = msgspec.json.decode


@dataclass(frozen=True, slots=True)
class PoolPlan:
    pool_id: int
    project_id: int
    requester_id: int
    revision: int
    mixer: MixerConfig | None
    reward: float
    max_duration_seconds: int
    auto_accept: bool
    auto_accept_period_days: int
    close_delay_seconds: int
    will_expire: str | None
    priority: int
    filter: Any
    output: CompiledSpec
    output_spec: dict[str, Any]
    task_spec_json: bytes
    instructions_json: bytes
    offer_json: bytes


def _int(value: Any, default: int, low: int = 0) -> int:
    return value if type(value) is int and value >= low else default


def compile_plan(pool_id: int, project_id: int, requester_id: int, revision: int, pool_body: bytes,
                 project_body: bytes, requester_name: str) -> PoolPlan:
    pool: dict[str, Any] = _decode(pool_body)
    project: dict[str, Any] = _decode(project_body)
    task_spec: dict[str, Any] = project.get("task_spec") or {}
    output_spec: dict[str, Any] = task_spec.get("output_spec") or {}
    price = pool.get("reward_per_assignment")
    reward = float(price) if isinstance(price, int | float) and not isinstance(price, bool) else 0.0
    max_duration = _int(pool.get("assignment_max_duration_seconds"), DEFAULT_MAX_DURATION_SECONDS, 1)
    instructions = project.get("public_instructions")
    instructions = instructions if isinstance(instructions, str) else ""
    offer = {"pool_id": str(pool_id), "project_id": str(project_id),
             "title": project.get("public_name") or "", "description": project.get("public_description") or "",
             "instructions": instructions, "reward_per_assignment": reward,
             "assignment_max_duration_seconds": max_duration, "training": False,
             "requester": {"id": str(requester_id), "public_name": requester_name}}
    return PoolPlan(
        pool_id=pool_id, project_id=project_id, requester_id=requester_id, revision=revision,
        mixer=MixerConfig.from_pool(pool.get("mixer_config")), reward=reward,
        max_duration_seconds=max_duration, auto_accept=pool.get("auto_accept_solutions") is not False,
        auto_accept_period_days=_int(pool.get("auto_accept_period_day"), DEFAULT_AUTO_ACCEPT_PERIOD_DAYS),
        close_delay_seconds=_int(pool.get("auto_close_after_complete_delay_seconds"), 0),
        will_expire=pool.get("will_expire") if isinstance(pool.get("will_expire"), str) else None,
        priority=_int(pool.get("priority"), 0, -100), filter=pool.get("filter"),
        output=compile_spec(output_spec), output_spec=output_spec,
        task_spec_json=_encode({"input_spec": task_spec.get("input_spec") or {}, "output_spec": output_spec,
                                "view_spec": task_spec.get("view_spec") or {}}),
        instructions_json=_encode(instructions), offer_json=_encode(offer))
