from talaka.core.limits import Allowances, Quota

MINUTE = Quota(3, 60, "minute")
DAY = Quota(100, 86_400, "day")


def test_a_process_admits_only_what_it_reserved() -> None:
    allowances = Allowances([MINUTE, DAY])
    assert allowances.short(1, 120.0) == [0, 1]
    assert not allowances.admit(1, 120.0).allowed
    allowances.add(1, 0, MINUTE.window(120.0), 2, 2)
    allowances.add(1, 1, DAY.window(120.0), 1, 1)
    verdict = allowances.admit(1, 120.0)
    assert verdict.allowed and verdict.quota.name == "minute" and verdict.remaining == 2
    assert allowances.short(1, 120.0) == [1], "the day's single reserved request is spent"
    assert not allowances.admit(1, 121.0).allowed
    assert allowances.short(2, 120.0) == [0, 1], "another requester reserves its own"


def test_a_new_window_needs_a_new_reservation() -> None:
    allowances = Allowances([MINUTE])
    allowances.add(1, 0, MINUTE.window(130.0), 3, 3)
    assert allowances.admit(1, 130.0).allowed
    assert allowances.short(1, 180.0) == [0]
    refused = allowances.admit(1, 180.0)
    assert not refused.allowed and refused.reset_seconds == 61


def test_reset_and_block_sizes() -> None:
    assert MINUTE.reset_seconds(150.0) == 31
    assert Quota(100_000, 60, "minute").block() == 500
    assert Quota(5, 60, "minute").block() == 1
