"""Pool filters evaluated against a performer: the `and`/`or` tree of Toloka conditions.

A condition names a `category` (`profile`, `computed`, `skill`), a `key`, an `operator` and a
`value`. A condition on a key the performer's profile does not have is false, except `NE` and
`NOT_IN`, which are true (work-loop spec 4.3). Skill values come from the caller: a performer
with no value for a skill has none in the mapping, and `EQ null` matches exactly that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talaka.core.performers import Profile

CLIENT_TYPE = "BROWSER"
"""What Talaka's performers work in: the web page and the API both count as a browser."""
NEGATIVE = frozenset({"NE", "NOT_IN"})


def profile_values(profile: Profile) -> dict[str, Any]:
    values: dict[str, Any] = {"languages": list(profile.languages), "adult_allowed": profile.adult_allowed}
    if profile.country is not None:
        values["country"] = profile.country
    return values


def passes(node: Any, profile: Mapping[str, Any], skills: Mapping[str, float]) -> bool:
    """Whether a performer passes a filter tree; an empty or absent filter passes everyone."""
    if not isinstance(node, dict) or not node:
        return True
    if "and" in node:
        return all(passes(child, profile, skills) for child in node["and"] or [])
    if "or" in node:
        children = node["or"] or []
        return not children or any(passes(child, profile, skills) for child in children)
    return _condition(node, profile, skills)


def _condition(condition: dict[str, Any], profile: Mapping[str, Any], skills: Mapping[str, float]) -> bool:
    category = condition.get("category")
    key = str(condition.get("key"))
    operator = str(condition.get("operator", "EQ"))
    expected = condition.get("value")
    if category == "skill":
        actual: Any = skills.get(key)
        if expected is None and operator in ("EQ", "NE"):
            return (actual is None) == (operator == "EQ")
    elif category == "computed":
        actual = CLIENT_TYPE if key == "client_type" else None
    else:
        actual = profile.get(key)
    if actual is None:
        return operator in NEGATIVE
    return _compare(operator, actual, expected)


def _compare(operator: str, actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):
        wanted = expected if isinstance(expected, list) else [expected]
        held = any(item in actual for item in wanted)
        return {"IN": held, "EQ": held, "NOT_IN": not held, "NE": not held}.get(operator, False)
    if operator in ("IN", "NOT_IN"):
        wanted = expected if isinstance(expected, list) else [expected]
        return (actual in wanted) == (operator == "IN")
    if operator == "EQ":
        return bool(actual == expected)
    if operator == "NE":
        return bool(actual != expected)
    try:
        return bool({"GT": actual > expected, "GTE": actual >= expected, "LT": actual < expected,
                     "LTE": actual <= expected}.get(operator, False))
    except TypeError:
        return False
