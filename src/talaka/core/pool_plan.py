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
from talaka.core.quality.config import QualityRules, compile_rules, training_requirement
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
    quality: QualityRules
    filter_skill_ids: frozenset[int]
    """Skills the filter compares, read for each take (none: the filter needs only the profile)."""
    training_requirement: tuple[int, int] | None
    """`(training pool id, passing skill value)` when the pool admits only those who passed a training."""
    training: TrainingPlan | None
    """Set for a training pool (issued and checked by `talaka.store.training_work`)."""


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    tasks_in_suite: int
    suites_to_pass: int
    shuffle: bool


def _training(pool: dict[str, Any]) -> TrainingPlan | None:
    if pool.get("type") != "TRAINING":
        return None
    return TrainingPlan(tasks_in_suite=_int(pool.get("training_tasks_in_task_suite_count"), 1, 1),
                        suites_to_pass=_int(pool.get("task_suites_required_to_pass"), 1, 1),
                        shuffle=pool.get("shuffle_tasks_in_task_suite") is not False)


def skill_ids(node: Any) -> frozenset[int]:
    """The skills a filter tree compares (conditions of category `skill`, keyed by the skill's id)."""
    if not isinstance(node, dict):
        return frozenset()
    children = node.get("and") or node.get("or")
    if isinstance(children, list):
        return frozenset().union(*(skill_ids(child) for child in children))
    key = str(node.get("key"))
    return frozenset({int(key)}) if node.get("category") == "skill" and key.isdigit() else frozenset()


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
    training = _training(pool)
    offer = {"pool_id": str(pool_id), "project_id": str(project_id),
             "title": project.get("public_name") or "", "description": project.get("public_description") or "",
             "instructions": instructions, "reward_per_assignment": reward,
             "assignment_max_duration_seconds": max_duration, "training": training is not None,
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
        instructions_json=_encode(instructions), offer_json=_encode(offer),
        quality=compile_rules(pool.get("quality_control")), filter_skill_ids=skill_ids(pool.get("filter")),
        training_requirement=training_requirement(pool.get("quality_control")), training=training)
