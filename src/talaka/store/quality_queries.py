"""SQL of quality control: the collectors' state per performer and pool, and what rules read and change."""

from __future__ import annotations

from dataclasses import dataclass

from talaka.store.queries import Statements


@dataclass(frozen=True)
class QualityQueries(Statements):
    STATE: str = "SELECT state FROM quality_state WHERE performer_no = ? AND pool_id = ?"
    SAVE_STATE: str = ("INSERT INTO quality_state (performer_no, pool_id, state) VALUES (?, ?, ?) "
                       "ON CONFLICT (performer_no, pool_id) DO UPDATE SET state = excluded.state")


SQLITE = QualityQueries().for_dialect("?")
POSTGRES = QualityQueries().for_dialect("%s")
