"""Who may take a suite from a pool, decided inside the take's transaction.

The profile part of a filter is checked by the API before a take (it needs no database); what
needs the database is here, read in the take's own transaction so that a restriction or skill
written a moment ago by another server process already counts: restrictions in force (pool,
project or all of the requester's projects), skill conditions of the filter, and the training the
pool requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talaka.core.filters import passes
from talaka.core.pool_plan import PoolPlan
from talaka.store import quality, training_work, work
from talaka.store.dbapi import Connection, Dialect
from talaka.store.users import restricted, skill_values
from talaka.store.work_reads import pools_with_work
from talaka.store.work_records import REFUSED_FILTER, REFUSED_RESTRICTED, REFUSED_TRAINING, WorkOutcome


def refusal(conn: Connection, d: Dialect, performer_no: int, profile: Mapping[str, Any], plan: PoolPlan,
            now: str) -> WorkOutcome | None:
    """Why this performer may not work in the pool now, or None when they may."""
    if restricted(conn, d, performer_no, plan.requester_id, plan.project_id, plan.pool_id, now) is not None:
        return WorkOutcome(refusal=REFUSED_RESTRICTED)
    if plan.filter_skill_ids and not passes(plan.filter, profile,
                                            skill_values(conn, d, performer_no, plan.filter_skill_ids)):
        return WorkOutcome(refusal=REFUSED_FILTER)
    if plan.training_requirement is not None:
        training_id, passing = plan.training_requirement
        row = conn.execute(d.qc.PASSED_TRAINING, (performer_no, training_id, plan.requester_id)).fetchone()
        if row is None or float(row[0]) < passing:
            return WorkOutcome(refusal=REFUSED_TRAINING, training_pool_id=training_id)
    return None


def take(conn: Connection, d: Dialect, performer_no: int, performer_id: str, profile: Mapping[str, Any],
         plan: PoolPlan, now: str) -> WorkOutcome:
    quality.settle(conn, d, plan, performer_no, now)
    refused = refusal(conn, d, performer_no, profile, plan, now)
    if refused is not None:
        return refused
    if plan.training is not None:
        return training_work.take(conn, d, performer_no, performer_id, plan, now)
    return work.take(conn, d, performer_no, performer_id, plan, now)


def offers(conn: Connection, d: Dialect, performer_no: int, profile: Mapping[str, Any], plans: list[PoolPlan],
           now: str) -> set[int]:
    """The pools among `plans` this performer may work in and that hold work they have not had."""
    found = set()
    for plan in plans:
        if refusal(conn, d, performer_no, profile, plan, now) is not None:
            continue
        if plan.training is not None:
            if (training_work.has_work(conn, d, performer_no, plan.pool_id)
                    and not training_work.finished(conn, d, performer_no, plan)):
                found.add(plan.pool_id)
        elif plan.pool_id in pools_with_work(conn, d, performer_no, [plan.pool_id]):
            found.add(plan.pool_id)
    return found
