"""API tokens: random, stored only as SHA-256 hashes, sent as `OAuth`, `ApiKey` or `Bearer`.

A token is 256 random bits, so an unsalted hash is as strong as a password hash and lets the
store find the requester by an indexed equality, which never compares secrets byte by byte.
"""

from __future__ import annotations

import hashlib
import secrets

from talaka.core.errors import AuthenticationProblem

SCHEMES = frozenset({"oauth", "apikey", "bearer"})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def token_from_header(header: str | None) -> str:
    """The token in an `Authorization` header, or a 401 that says how to send one."""
    if not header:
        raise AuthenticationProblem(
            "Authorization header is missing: send 'Authorization: OAuth <token>' "
            "(create a token with `talaka requester create NAME`)")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() not in SCHEMES or not token:
        raise AuthenticationProblem(
            "Authorization header must be 'OAuth <token>', 'ApiKey <token>' or 'Bearer <token>'")
    return token
