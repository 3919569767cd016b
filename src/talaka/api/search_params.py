"""Query strings of the `find_*` endpoints, turned into `Search` values.

Each resource declares which fields it filters on and how to read a value; anything else is a
`VALIDATION_ERROR` naming the parameter, so a typo never silently widens a search.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams

from talaka.core import ids
from talaka.core.errors import FieldError, ValidationProblem
from talaka.core.timefmt import parse_time
from talaka.store.search import OPERATORS, Search

Parser = Callable[[str], Any]
INTEGER = re.compile(r"-?[0-9]{1,18}")


def numeric_id(value: str) -> int | None:
    return ids.parse_numeric_id(value)


def task_id(value: str) -> tuple[int, int] | None:
    return ids.parse_task_id(value)


def integer(value: str) -> int | None:
    return int(value) if INTEGER.fullmatch(value) else None


def timestamp(value: str) -> str | None:
    return parse_time(value)


def text(value: str) -> str | None:
    return None if "\x00" in value else value


ASSIGNMENT_STATUSES = frozenset({"ACTIVE", "SUBMITTED", "ACCEPTED", "REJECTED", "SKIPPED", "EXPIRED"})


def statuses(value: str) -> tuple[str, ...] | None:
    """A comma list of assignment statuses, any of which matches (`status=SUBMITTED,ACCEPTED`)."""
    listed = tuple(dict.fromkeys(part.strip().upper() for part in value.split(",") if part.strip()))
    return listed if listed and set(listed) <= ASSIGNMENT_STATUSES else None


@dataclass(frozen=True, slots=True)
class Resource:
    """How one resource is searched: exact filters, range filters, sort keys and page sizes."""

    equals: dict[str, Parser]
    ranges: dict[str, Parser]
    sort_keys: frozenset[str]
    default_limit: int
    max_limit: int

    def allowed(self) -> frozenset[str]:
        names = set(self.equals) | {"sort", "limit"}
        names |= {f"{name}_{op}" for name in self.ranges for op in OPERATORS}
        return frozenset(names)


def parse_search(params: QueryParams, resource: Resource) -> Search:
    errors: dict[str, FieldError] = {}
    search = Search(limit=resource.default_limit)
    allowed = resource.allowed()
    for name, value in params.multi_items():
        if name not in allowed:
            errors[name] = FieldError("VALUE_NOT_ALLOWED", "Unknown parameter; this search takes: "
                                      + ", ".join(sorted(allowed)))
        elif name == "sort":
            _parse_sort(value, resource, search, errors)
        elif name == "limit":
            limit = integer(value)
            if limit is None or not 1 <= limit <= resource.max_limit:
                errors[name] = FieldError("INVALID_VALUE",
                                          f"Expected an integer from 1 to {resource.max_limit}, got {value!r:.40}",
                                          [1, resource.max_limit])
            else:
                search.limit = limit
        elif name in resource.equals:
            parsed = resource.equals[name](value)
            if parsed is None:
                errors[name] = FieldError("INVALID_VALUE", f"Unexpected value {value!r:.60}")
            else:
                search.equals[name] = parsed
        else:
            field, op = name.rsplit("_", 1)
            parsed = resource.ranges[field](value)
            if parsed is None:
                errors[name] = FieldError("INVALID_VALUE", f"Unexpected value {value!r:.60}")
            else:
                search.ranges.append((field, op, parsed))
    if errors:
        raise ValidationProblem("Invalid search parameters: " + ", ".join(sorted(errors)), errors)
    return search


def _parse_sort(value: str, resource: Resource, search: Search, errors: dict[str, FieldError]) -> None:
    for key in value.split(","):
        key = key.strip()
        descending = key.startswith("-")
        name = key.lstrip("-+")
        if name not in resource.sort_keys:
            errors["sort"] = FieldError("VALUE_NOT_ALLOWED", f"Cannot sort by {name!r:.40}; sort keys: "
                                        + ", ".join(sorted(resource.sort_keys)))
            return
        search.sort.append((name, descending))


TASKS = Resource(equals={"pool_id": numeric_id, "overlap": integer},
                 ranges={"id": task_id, "created": timestamp, "overlap": integer},
                 sort_keys=frozenset({"id", "created"}), default_limit=50, max_limit=100_000)
PROJECTS = Resource(equals={"status": text},
                    ranges={"id": numeric_id, "created": timestamp},
                    sort_keys=frozenset({"id", "created"}), default_limit=20, max_limit=300)
POOLS = Resource(equals={"status": text, "project_id": numeric_id},
                 ranges={"id": numeric_id, "created": timestamp, "last_started": timestamp},
                 sort_keys=frozenset({"id", "created", "last_started"}), default_limit=20, max_limit=300)
OPERATIONS = Resource(equals={"type": text, "status": text},
                      ranges={"submitted": timestamp, "finished": timestamp},
                      sort_keys=frozenset({"id", "submitted", "finished"}), default_limit=50, max_limit=500)
ASSIGNMENT_TIMES = ("created", "submitted", "accepted", "rejected", "skipped", "expired")
ASSIGNMENTS = Resource(equals={"pool_id": numeric_id, "task_id": task_id, "task_suite_id": task_id,
                               "user_id": text, "status": statuses},
                       ranges={"id": task_id, **dict.fromkeys(ASSIGNMENT_TIMES, timestamp)},
                       sort_keys=frozenset({"id", *ASSIGNMENT_TIMES}), default_limit=50, max_limit=100_000)
SKILLS = Resource(equals={"name": text}, ranges={"id": numeric_id, "created": timestamp},
                  sort_keys=frozenset({"id", "created"}), default_limit=20, max_limit=100)
USER_SKILLS = Resource(equals={"user_id": text, "skill_id": numeric_id},
                       ranges={"id": numeric_id, "created": timestamp, "modified": timestamp},
                       sort_keys=frozenset({"id", "created", "modified"}), default_limit=50, max_limit=1_000)
USER_RESTRICTIONS = Resource(equals={"scope": text, "user_id": text, "project_id": numeric_id,
                                     "pool_id": numeric_id},
                             ranges={"id": numeric_id, "created": timestamp},
                             sort_keys=frozenset({"id", "created"}), default_limit=50, max_limit=500)
USER_BONUSES = Resource(equals={"user_id": text, "assignment_id": task_id, "private_comment": text},
                        ranges={"id": numeric_id, "created": timestamp},
                        sort_keys=frozenset({"id", "created"}), default_limit=50, max_limit=300)
AGGREGATED_SOLUTIONS = Resource(equals={}, ranges={"task_id": text}, sort_keys=frozenset({"task_id"}),
                                default_limit=50, max_limit=100_000)
