from hypothesis import given
from hypothesis import strategies as st

from talaka.core.ids import MAX_POOL_ID, parse_numeric_id, parse_operation_id, parse_task_id, task_id
from talaka.core.timefmt import parse_time


@given(st.integers(0, MAX_POOL_ID), st.integers(0, 2**63 - 1), st.integers(0, MAX_POOL_ID),
       st.integers(0, 2**63 - 1))
def test_task_id_string_order_is_pool_then_sequence_order(pool_a: int, seq_a: int, pool_b: int, seq_b: int) -> None:
    id_a, id_b = task_id(pool_a, seq_a), task_id(pool_b, seq_b)
    assert (id_a < id_b) == ((pool_a, seq_a) < (pool_b, seq_b))
    assert parse_task_id(id_a) == (pool_a, seq_a)


def test_malformed_ids_parse_to_none() -> None:
    assert parse_task_id("1--2") is None
    assert parse_task_id("0000000001--00000000000000000000000G") is None
    assert parse_task_id("da359f5991--dc5c37560713cfa4bc9e9ed9") is None, "past the 64-bit sequence"
    assert parse_numeric_id("12a") is None
    assert parse_numeric_id("-1") is None
    assert parse_numeric_id("١٢") is None, "non-ASCII digits are not ids"
    assert parse_operation_id("not-a-uuid") is None
    assert parse_operation_id("1B4E28BA-2FA1-11D2-883F-0016D3CCA427") == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def test_times_are_normalised_to_six_digit_naive_utc() -> None:
    assert parse_time("2030-01-01T12:00:00") == "2030-01-01T12:00:00.000000"
    assert parse_time("2030-01-01T12:00:00.5") == "2030-01-01T12:00:00.500000"
    assert parse_time("2030-01-01T14:00:00+02:00") == "2030-01-01T12:00:00.000000"
    assert parse_time("yesterday") is None
    assert parse_time("0001-01-01T00:00:00+01:00") is None
    assert parse_time("9999-12-31T23:59:59-01:00") is None
