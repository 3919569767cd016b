from talaka.core.limits import Quota, RateLimiter


def test_counts_per_requester_and_refuses_past_the_limit() -> None:
    limiter = RateLimiter([Quota(3, 60, "minute"), Quota(100, 86_400, "day")])
    verdicts = [limiter.hit(1, 120.0) for _ in range(4)]
    assert [verdict.allowed for verdict in verdicts] == [True, True, True, False]
    assert [verdict.remaining for verdict in verdicts] == [2, 1, 0, 0]
    assert verdicts[-1].quota.name == "minute"
    assert limiter.hit(2, 120.0).allowed, "another requester has its own quota"


def test_window_resets_and_reset_seconds_counts_down() -> None:
    limiter = RateLimiter([Quota(1, 60, "minute")])
    assert limiter.hit(1, 130.0).allowed
    refused = limiter.hit(1, 150.0)
    assert not refused.allowed
    assert refused.reset_seconds == 31
    assert limiter.hit(1, 180.0).allowed, "a new minute starts a new window"


def test_refused_requests_do_not_count() -> None:
    limiter = RateLimiter([Quota(1, 60, "minute"), Quota(2, 86_400, "day")])
    assert limiter.hit(1, 0.0).allowed
    for _ in range(5):
        assert not limiter.hit(1, 10.0).allowed
    assert limiter.hit(1, 60.0).allowed, "refusals in the first minute used none of the day's quota"
    assert not limiter.hit(1, 120.0).allowed
