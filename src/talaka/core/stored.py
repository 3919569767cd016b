"""Stored JSON object bodies, as the store keeps them: without their `id`, which columns hold."""

from __future__ import annotations

import msgspec

REMAINING = b'"remaining_overlap":'


def with_id(object_id: str, body: bytes) -> bytes:
    """Put `"id"` first into a stored JSON object body (which never holds one)."""
    rest = body[1:].lstrip()
    separator = b"" if rest[:1] == b"}" else b","
    return b'{"id":"' + object_id.encode() + b'"' + separator + rest


def with_remaining(body: bytes, overlap: int | None, used: int) -> bytes:
    """A stored task with `remaining_overlap` as it is now (the stored one is from its creation).

    The key can only appear unescaped as an object key, so when it appears once it is the task's
    own and its number is replaced in place; when a nested object (baseline solutions, a field the
    client added) has the key too, the body is decoded and encoded again.
    """
    if overlap is None or not used:
        return body
    if body.count(REMAINING) != 1:
        task = msgspec.json.decode(body)
        if "remaining_overlap" not in task:
            return body
        task["remaining_overlap"] = max(overlap - used, 0)
        return msgspec.json.encode(task)
    digits = body.find(REMAINING) + len(REMAINING)
    while body[digits:digits + 1] == b" ":  # PostgreSQL's jsonb text puts a space after the colon
        digits += 1
    end = digits
    while end < len(body) and body[end] in b"-0123456789":
        end += 1
    return b"%s%d%s" % (body[:digits], max(overlap - used, 0), body[end:])
