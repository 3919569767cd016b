"""Stored JSON object bodies, as the store keeps them: without their `id`, which columns hold."""

from __future__ import annotations


def with_id(object_id: str, body: bytes) -> bytes:
    """Put `"id"` first into a stored JSON object body (which never holds one)."""
    rest = body[1:].lstrip()
    separator = b"" if rest[:1] == b"}" else b","
    return b'{"id":"' + object_id.encode() + b'"' + separator + rest


def with_remaining(body: bytes, overlap: int | None, used: int) -> bytes:
    """A stored task with `remaining_overlap` as it is now (the stored one is from its creation).

    The key is the body's last `"remaining_overlap":`, which is the task's own: stored bodies put
    it after `input_values` and `known_solutions`, and a string cannot hold it unescaped.
    """
    if overlap is None or not used:
        return body
    start = body.rfind(b'"remaining_overlap":')
    if start < 0:
        return body
    digits = start + len(b'"remaining_overlap":')
    while body[digits:digits + 1] == b" ":  # PostgreSQL's jsonb text puts a space after the colon
        digits += 1
    end = digits
    while end < len(body) and body[end] in b"-0123456789":
        end += 1
    return b"%s%d%s" % (body[:digits], max(overlap - used, 0), body[end:])
