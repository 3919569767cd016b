"""Performer profiles: what a performer account holds and how a new one is checked.

A performer is an account of the instance, like a Toloker. Its profile is the part of Toloka's
that Talaka's filters can see: `languages` (ISO 639-1, upper case), `country` (ISO 3166-1
alpha-2) and `adult_allowed`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from talaka.core.errors import FieldError, FieldErrors

LANGUAGE = re.compile(r"[A-Z]{2}\Z")
COUNTRY = re.compile(r"[A-Z]{2}\Z")
PERFORMER_ID = re.compile(r"[0-9a-f]{1,64}")
"""What a performer id can look like; anything else names no performer and is not looked up."""
MAX_NAME = 200
PROFILE_FIELDS = frozenset({"name", "languages", "country", "adult_allowed"})


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    languages: tuple[str, ...]
    country: str | None
    adult_allowed: bool


def new_performer_id() -> str:
    """An opaque, stable id like a Toloker's: 32 hex digits."""
    return os.urandom(16).hex()


def check_profile(body: dict[str, Any]) -> tuple[Profile | None, FieldErrors]:
    """A new performer's profile from a request body, or every problem with it by field."""
    errors: FieldErrors = {name: FieldError("VALUE_NOT_ALLOWED", "Unknown field; a performer has: "
                                            + ", ".join(sorted(PROFILE_FIELDS)))
                           for name in body.keys() - PROFILE_FIELDS}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        errors["name"] = FieldError("VALUE_REQUIRED", f"A name of 1 to {MAX_NAME} characters is required")
    languages = body.get("languages")
    if languages is None:
        languages = []
    if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
        errors["languages"] = FieldError("ARRAY_EXPECTED", "Expected an array of language codes like [\"EN\"]")
        languages = []
    for index, code in enumerate(languages):
        if not code.isascii() or not LANGUAGE.match(code.upper()):
            errors[f"languages.{index}"] = FieldError("INVALID_VALUE", f"{code!r:.20} is not an ISO 639-1 code "
                                                      "like EN")
    normalized = tuple(dict.fromkeys(code.upper() for code in languages))
    country = body.get("country")
    if country is not None and (not isinstance(country, str) or not country.isascii()
                                or not COUNTRY.match(country.upper())):
        errors["country"] = FieldError("INVALID_VALUE", "Expected an ISO 3166-1 alpha-2 code like GB")
    adult = body.get("adult_allowed", False)
    if adult is None:
        adult = False
    if type(adult) is not bool:
        errors["adult_allowed"] = FieldError("BOOLEAN_EXPECTED", "Expected true or false")
    if errors:
        return None, errors
    assert isinstance(name, str)
    return Profile(name.strip(), normalized, country.upper() if isinstance(country, str) else None,
                   bool(adult)), {}
