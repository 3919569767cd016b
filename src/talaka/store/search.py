"""Search queries (`find_*` endpoints) as data, rendered to SQL by each backend.

The API layer turns query strings into a `Search`; the backend renders it with its own
placeholder style. Columns are whitelisted per resource, so nothing from the client ever becomes
SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OPERATORS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(slots=True)
class Search:
    """Equality filters, range filters, sort keys and a page size for one resource."""

    equals: dict[str, Any] = field(default_factory=dict)
    ranges: list[tuple[str, str, Any]] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    limit: int = 50


def render(search: Search, columns: dict[str, str], placeholder: str) -> tuple[str, str, list[Any]]:
    """Return `(where, order_by, params)` for `search`; `columns` maps API names to SQL expressions.

    A column's expression may be a row value such as `(pool_id, seq)`; the value bound to it must
    then be a tuple of the same size.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in search.equals.items():
        clauses.append(f"{columns[name]} = {_slots(value, placeholder)}")
        params.extend(_flatten(value))
    for name, op, value in search.ranges:
        clauses.append(f"{columns[name]} {OPERATORS[op]} {_slots(value, placeholder)}")
        params.extend(_flatten(value))
    order = ", ".join(_order(columns[name], descending) for name, descending in search.sort)
    return " AND ".join(clauses) or "1=1", order, params


def _order(expression: str, descending: bool) -> str:
    parts = expression.strip("()").split(", ")
    return ", ".join(f"{part} DESC" if descending else part for part in parts)


def _slots(value: Any, placeholder: str) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(placeholder for _ in value) + ")"
    return placeholder


def _flatten(value: Any) -> list[Any]:
    return list(value) if isinstance(value, tuple) else [value]
