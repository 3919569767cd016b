"""Pool filters against performer profiles, in the JSON shapes toloka-kit 1.2.3 sends.

toloka-kit writes `Languages.in_(['EN', 'RU'])` as an `or` of one `IN` per language, with the value a
single string; `Skill('42') == None` as `{"category": "skill", "key": "42", "operator": "EQ", "value": null}`.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talaka.core.filters import CLIENT_TYPE, passes, profile_values
from talaka.core.performers import Profile

OPERATORS = ["EQ", "NE", "GT", "GTE", "LT", "LTE", "IN", "NOT_IN"]
POLYGLOT = profile_values(Profile("p", ("EN", "RU"), "GB", True))
NOBODY = profile_values(Profile("n", (), None, False))


def condition(category: str, key: str, operator: str, value: Any) -> dict[str, Any]:
    return {"category": category, "key": key, "operator": operator, "value": value}


def profile(key: str, operator: str, value: Any) -> dict[str, Any]:
    return condition("profile", key, operator, value)


def test_profile_values_hold_only_what_a_performer_has() -> None:
    assert POLYGLOT == {"languages": ["EN", "RU"], "country": "GB", "adult_allowed": True}
    assert NOBODY == {"languages": [], "adult_allowed": False}


@pytest.mark.parametrize("tree", [None, {}, [], "filter"])
def test_no_filter_lets_everyone_in(tree: Any) -> None:
    assert passes(tree, NOBODY, {})


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("IN", "EN", True), ("IN", "RU", True), ("IN", "DE", False), ("IN", ["DE", "RU"], True),
    ("NOT_IN", "EN", False), ("NOT_IN", "DE", True), ("NOT_IN", ["DE", "FR"], True),
    ("NOT_IN", ["DE", "EN"], False),
])
def test_languages_against_the_profile_list(operator: str, value: Any, expected: bool) -> None:
    assert passes(profile("languages", operator, value), POLYGLOT, {}) is expected


def test_a_performer_without_languages() -> None:
    assert not passes(profile("languages", "IN", "EN"), NOBODY, {})
    assert passes(profile("languages", "NOT_IN", "EN"), NOBODY, {})


def test_toloka_kit_languages_in_list_is_an_or() -> None:
    tree = {"or": [profile("languages", "IN", "DE"), profile("languages", "IN", "RU")]}
    assert passes(tree, POLYGLOT, {})
    assert not passes(tree, profile_values(Profile("p", ("EN",), None, False)), {})


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("EQ", "GB", True), ("EQ", "DE", False), ("NE", "DE", True), ("NE", "GB", False),
    ("IN", ["DE", "GB"], True), ("IN", ["DE"], False), ("NOT_IN", ["DE"], True), ("NOT_IN", ["GB"], False),
])
def test_country(operator: str, value: Any, expected: bool) -> None:
    assert passes(profile("country", operator, value), POLYGLOT, {}) is expected


@pytest.mark.parametrize(("operator", "expected"),
                         [("EQ", False), ("IN", False), ("NE", True), ("NOT_IN", True)])
def test_a_performer_without_a_country(operator: str, expected: bool) -> None:
    value = ["GB"] if operator.endswith("IN") else "GB"
    assert passes(profile("country", operator, value), NOBODY, {}) is expected


def test_adult_allowed() -> None:
    assert passes(profile("adult_allowed", "EQ", True), POLYGLOT, {})
    assert not passes(profile("adult_allowed", "EQ", True), NOBODY, {})
    assert passes(profile("adult_allowed", "EQ", False), NOBODY, {})
    assert passes(profile("adult_allowed", "NE", True), NOBODY, {})


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("EQ", "BROWSER", True), ("EQ", "TOLOKER_APP", False), ("NE", "TOLOKER_APP", True),
    ("NE", "BROWSER", False),
    ("IN", ["TOLOKER_APP", "BROWSER"], True), ("NOT_IN", ["TOLOKER_APP"], True),
])
def test_client_type_is_always_a_browser(operator: str, value: Any, expected: bool) -> None:
    assert CLIENT_TYPE == "BROWSER"
    assert passes(condition("computed", "client_type", operator, value), NOBODY, {}) is expected


SKILLS = {"42": 80.0}


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("GTE", 70, True), ("GTE", 80, True), ("GT", 80, False), ("LT", 90, True), ("LTE", 79, False),
    ("EQ", 80, True), ("NE", 80, False), ("EQ", None, False), ("NE", None, True), ("GT", "high", False),
])
def test_skill_with_a_value(operator: str, value: Any, expected: bool) -> None:
    assert passes(condition("skill", "42", operator, value), NOBODY, SKILLS) is expected


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("EQ", None, True), ("NE", None, False), ("GTE", 0, False), ("LT", 100, False), ("EQ", 0, False),
    ("NE", 80, True),
])
def test_skill_without_a_value(operator: str, value: Any, expected: bool) -> None:
    assert passes(condition("skill", "43", operator, value), NOBODY, SKILLS) is expected


def test_and_or_trees() -> None:
    english = profile("languages", "IN", "EN")
    german = profile("languages", "IN", "DE")
    british = profile("country", "EQ", "GB")
    assert passes({"and": [english, british]}, POLYGLOT, {})
    assert not passes({"and": [english, german]}, POLYGLOT, {})
    assert passes({"or": [german, british]}, POLYGLOT, {})
    assert not passes({"or": [german, profile("country", "EQ", "DE")]}, POLYGLOT, {})
    nested = {"and": [{"or": [german, english]}, {"or": [british, german]},
                      condition("skill", "42", "GTE", 50)]}
    assert passes(nested, POLYGLOT, SKILLS)
    assert not passes(nested, POLYGLOT, {})


def test_empty_branches_let_everyone_in() -> None:
    assert passes({"and": []}, NOBODY, {})
    assert passes({"or": []}, NOBODY, {})


UNKNOWN_PROFILE_KEYS = ["gender", "citizenship", "education", "date_of_birth", "city", "region_by_phone",
                        "rating", "verified"]


@given(st.sampled_from(["profile", "computed"]), st.sampled_from(UNKNOWN_PROFILE_KEYS),
       st.sampled_from(OPERATORS),
       st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                 st.lists(st.text(max_size=3), max_size=3)))
def test_a_key_the_profile_lacks_is_false_except_ne_and_not_in(category: str, key: str, operator: str,
                                                                value: Any) -> None:
    for performer in (POLYGLOT, NOBODY):
        expected = operator in ("NE", "NOT_IN")
        assert passes(condition(category, key, operator, value), performer, SKILLS) is expected


@given(st.sampled_from(OPERATORS), st.one_of(st.integers(-5, 105), st.floats(-5, 105)))
def test_a_skill_the_performer_lacks_is_false_except_ne_and_not_in(operator: str, value: float) -> None:
    assert passes(condition("skill", "7", operator, value), POLYGLOT, {}) is (operator in ("NE", "NOT_IN"))


leaf = st.builds(condition, st.just("profile"), st.sampled_from(["languages", "country", "adult_allowed"]),
                 st.sampled_from(OPERATORS), st.sampled_from(["EN", "DE", "GB", True, ["EN", "DE"], None]))
trees = st.recursive(leaf, lambda children: st.one_of(
    st.builds(lambda items: {"and": items}, st.lists(children, min_size=1, max_size=3)),
    st.builds(lambda items: {"or": items}, st.lists(children, min_size=1, max_size=3))), max_leaves=8)


@given(trees, trees)
def test_and_is_all_and_or_is_any(left: dict[str, Any], right: dict[str, Any]) -> None:
    for performer in (POLYGLOT, NOBODY):
        a, b = passes(left, performer, {}), passes(right, performer, {})
        assert passes({"and": [left, right]}, performer, {}) is (a and b)
        assert passes({"or": [left, right]}, performer, {}) is (a or b)
