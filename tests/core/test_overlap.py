from talaka.core.errors import FieldError
from talaka.core.overlap import pool_default_overlap, resolve_overlap


def resolve(overlap: object, infinite: object, allow_defaults: bool, default: int | None):
    errors: dict[str, FieldError] = {}
    return resolve_overlap(overlap, infinite, allow_defaults=allow_defaults, default=default, errors=errors), errors


def test_explicit_overlap_wins_over_the_default() -> None:
    assert resolve(3, None, True, 5) == (3, {})
    assert resolve(3, False, False, None) == (3, {})


def test_default_applies_only_with_allow_defaults() -> None:
    assert resolve(None, None, True, 5) == (5, {})
    overlap, errors = resolve(None, None, False, 5)
    assert errors["overlap"].code == "VALUE_REQUIRED"
    assert "allow_defaults" in errors["overlap"].message


def test_infinite_overlap() -> None:
    assert resolve(None, True, False, None) == (None, {})
    _, errors = resolve(2, True, False, None)
    assert errors["overlap"].code == "VALUE_NOT_ALLOWED"


def test_bad_overlaps() -> None:
    assert resolve(0, None, False, None)[1]["overlap"].code == "VALUE_LESS_THAN_MIN"
    assert resolve(10**9, None, False, None)[1]["overlap"].code == "VALUE_GREATER_THAN_MAX"
    assert resolve("2", None, False, None)[1]["overlap"].code == "INTEGER_EXPECTED"
    assert resolve(True, None, False, None)[1]["overlap"].code == "INTEGER_EXPECTED"
    assert resolve(None, "yes", False, None)[1]["infinite_overlap"].code == "BOOLEAN_EXPECTED"


def test_pool_defaults_for_tasks_fall_back_to_the_suite_default() -> None:
    assert pool_default_overlap({"default_overlap_for_new_tasks": 3,
                                 "default_overlap_for_new_task_suites": 1}, suites=False) == 3
    assert pool_default_overlap({"default_overlap_for_new_task_suites": 2}, suites=False) == 2
    assert pool_default_overlap({"default_overlap_for_new_tasks": 3}, suites=True) is None
    assert pool_default_overlap(None, suites=False) is None
