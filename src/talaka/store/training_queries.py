"""SQL of trainings (pools marked `training = 1`), written once with `?`, rendered per dialect.

A training is read, changed and filled through the pools' statements; only its creation (the row
and the skill that will hold its results, in one transaction) and the work loop's skill reads are
its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements


@dataclass(frozen=True)
class TrainingQueries(Statements):
    TRAINING_SKILL: str = "SELECT id FROM skills WHERE training_pool_id = ?"
    INSERT_TRAINING: str = ("INSERT INTO pools (requester_id, project_id, status, created, training, body) "
                            "VALUES (?, ?, 'CLOSED', ?, 1, ?) RETURNING id")
    INSERT_TRAINING_SKILL: str = ("INSERT INTO skills (requester_id, name, training_pool_id, created, body) "
                                  "VALUES (?, ?, ?, ?, ?)")


SQLITE = TrainingQueries().for_dialect("?")
POSTGRES = TrainingQueries().for_dialect("%s")
