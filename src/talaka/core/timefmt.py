"""Timestamps on the wire: naive UTC ISO-8601 with exactly six fractional digits.

One fixed width keeps string comparison equal to time order, both in SQL filters and in the
client's own comparisons, and the form parses on every Python the client supports (no `Z`).
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_time(moment: datetime) -> str:
    """`isoformat`, not `strftime`: it pads years below 1000 to four digits (`%Y` does not on
    Linux), which string comparison needs, and it is several times faster."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def now_text() -> str:
    return format_time(datetime.now(UTC))


def parse_time(value: str) -> str | None:
    """Normalise a client timestamp (naive means UTC; 0-6 fractional digits) to the wire form."""
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return format_time(moment)
    except (ValueError, OverflowError):
        return None
