"""SQL of trainings (pools marked `training = 1`), written once with `?`, rendered per dialect."""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements


@dataclass(frozen=True)
class TrainingQueries(Statements):
    TRAINING_SKILL: str = "SELECT id FROM skills WHERE training_pool_id = ?"
    TRAINING_SKILL_VALUE: str = (
        "SELECT us.value FROM skills AS s JOIN user_skills AS us ON us.skill_id = s.id AND us.performer_no = ? "
        "WHERE s.training_pool_id = ?")


SQLITE = TrainingQueries().for_dialect("?")
POSTGRES = TrainingQueries().for_dialect("%s")
