"""Project bodies: what a create or update must hold, and what the server adds."""

from __future__ import annotations

from typing import Any

from talaka.core.errors import FieldError, FieldErrors
from talaka.core.fieldspec import check_field_specs
from talaka.core.objects import check_fields, is_bool, is_object, is_string, is_string_lists, without

READ_ONLY = frozenset({"id", "status", "created"})
ISSUING_TYPES = ("AUTOMATED", "MAP_SELECTOR")
CHECKS = {
    "public_name": is_string, "public_description": is_string, "public_instructions": is_string,
    "private_comment": is_string, "task_spec": is_object, "assignments_automerge_enabled": is_bool,
    "metadata": is_string_lists, "quality_control": is_object, "localization_config": is_object,
    "assignments_issuing_view_config": is_object,
}


def check_project(body: Any) -> FieldErrors:
    """Every problem of a project body; `task_spec` field specs are checked in depth."""
    if not isinstance(body, dict):
        return {"project": FieldError("OBJECT_EXPECTED", "Value must be an object")}
    errors: FieldErrors = {}
    check_fields(body, CHECKS, ("public_name", "public_description", "task_spec"), errors)
    issuing = body.get("assignments_issuing_type")
    if issuing is not None and issuing not in ISSUING_TYPES:
        errors["assignments_issuing_type"] = FieldError(
            "UNKNOWN_ENUM_VALUE", f"Expected one of {', '.join(ISSUING_TYPES)}, got {issuing!r:.40}")
    if issuing == "MAP_SELECTOR" and body.get("assignments_issuing_view_config") is None:
        errors["assignments_issuing_view_config"] = FieldError(
            "VALUE_REQUIRED", "Value must be present when assignments_issuing_type is MAP_SELECTOR")
    spec = body.get("task_spec")
    if isinstance(spec, dict):
        for part, output in (("input_spec", False), ("output_spec", True)):
            if spec.get(part) is None:
                errors[f"task_spec.{part}"] = FieldError("VALUE_REQUIRED", "Value must be present")
            else:
                errors.update(check_field_specs(spec[part], f"task_spec.{part}", output=output))
    return errors


def stored_project(body: dict[str, Any], *, status: str, created: str) -> dict[str, Any]:
    """The body to store: the client's fields (read-only ones dropped) and the server's."""
    stored = without(body, READ_ONLY)
    if stored.get("assignments_issuing_type") is None:
        stored["assignments_issuing_type"] = "AUTOMATED"
    stored["status"] = status
    stored["created"] = created
    return stored
