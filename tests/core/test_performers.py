"""A new performer's profile: what `POST /api/v1/performers` and `talaka performer create` accept."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talaka.core.performers import MAX_NAME, Profile, check_profile, new_performer_id


def test_a_full_profile() -> None:
    profile, errors = check_profile({"name": " Ann ", "languages": ["en", "RU"], "country": "gb",
                                     "adult_allowed": True})
    assert errors == {}
    assert profile == Profile("Ann", ("EN", "RU"), "GB", True)


def test_a_name_is_enough() -> None:
    assert check_profile({"name": "Bo"}) == (Profile("Bo", (), None, False), {})
    assert check_profile({"name": "Bo", "languages": None, "country": None, "adult_allowed": None}) == (
        Profile("Bo", (), None, False), {})


@pytest.mark.parametrize("name", [None, "", "   ", 5, ["Ann"], "x" * (MAX_NAME + 1)])
def test_a_name_of_1_to_200_characters_is_required(name: Any) -> None:
    body = {} if name is None else {"name": name}
    profile, errors = check_profile(body)
    assert profile is None and errors["name"].code == "VALUE_REQUIRED"
    assert check_profile({"name": "x" * MAX_NAME})[1] == {}


def test_unknown_fields_are_named() -> None:
    profile, errors = check_profile({"name": "Ann", "token": "t", "skills": {}})
    assert profile is None
    assert set(errors) == {"token", "skills"}
    assert all(error.code == "VALUE_NOT_ALLOWED" and "adult_allowed" in error.message
               for error in errors.values())


@pytest.mark.parametrize("languages", ["EN", {"EN": 1}, [1], ["EN", None]])
def test_languages_must_be_a_list_of_codes(languages: Any) -> None:
    profile, errors = check_profile({"name": "Ann", "languages": languages})
    assert profile is None and set(errors) == {"languages"} and errors["languages"].code == "ARRAY_EXPECTED"


def test_each_bad_language_code_is_reported_by_index() -> None:
    profile, errors = check_profile({"name": "Ann", "languages": ["EN", "ENG", "e1"]})
    assert profile is None
    assert set(errors) == {"languages.1", "languages.2"}
    assert all(error.code == "INVALID_VALUE" for error in errors.values())


def test_language_errors_use_the_input_index_after_a_duplicate() -> None:
    _, errors = check_profile({"name": "Ann", "languages": ["EN", "en", "ENG"]})
    assert set(errors) == {"languages.2"}


@pytest.mark.parametrize("country", ["GBR", "G", "", 44, ["GB"]])
def test_country_must_be_alpha_2(country: Any) -> None:
    profile, errors = check_profile({"name": "Ann", "country": country})
    assert profile is None and errors["country"].code == "INVALID_VALUE"


@pytest.mark.parametrize("adult", [1, 0, "true", "yes", []])
def test_adult_allowed_must_be_a_boolean(adult: Any) -> None:
    profile, errors = check_profile({"name": "Ann", "adult_allowed": adult})
    assert profile is None and errors["adult_allowed"].code == "BOOLEAN_EXPECTED"


def test_every_problem_at_once() -> None:
    _, errors = check_profile({"name": "", "languages": ["EN", "xyz"], "country": "Britain",
                               "adult_allowed": "no", "extra": 1})
    assert set(errors) == {"name", "languages.1", "country", "adult_allowed", "extra"}


@given(st.lists(st.text(alphabet=string.ascii_letters, min_size=2, max_size=2), max_size=12))
def test_languages_are_upper_case_and_unique_in_first_seen_order(codes: list[str]) -> None:
    profile, errors = check_profile({"name": "Ann", "languages": codes})
    assert errors == {} and profile is not None
    assert profile.languages == tuple(dict.fromkeys(code.upper() for code in codes))


def test_performer_ids_are_32_hex_digits_and_distinct() -> None:
    ids = {new_performer_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", performer_id) for performer_id in ids)
