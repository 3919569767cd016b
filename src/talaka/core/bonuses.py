"""User bonuses without I/O: the items of a create request checked, the rows to store, the operation's
details and its log.

Bonuses are bookkeeping (recorded and summed per performer, paid by nobody), created like a batch of
tasks: one object or an array, `skip_invalid_items`, an operation `USER_BONUS.BATCH_CREATE` whose log
gives each item's `output.user_bonus_id` under its `__item_idx`. Items are checked in two steps:
`check_bonus` looks at each item alone and says which performers and assignments it names; the
store says which of those are the requester's (`References`); `resolve` finishes each item.

Bonus ids are decimal like Toloka's, but of fixed width (`0000000042`): toloka-kit's
`create_user_bonuses` reads the created bonuses back with `id_gte=min(ids)` and `id_lte=max(ids)`
taken as Python *strings*, so string order must be number order (`min("9", "10")` is `"10"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec

from talaka.core.batch import BodyProblem, has_nul
from talaka.core.errors import FieldError, FieldErrors
from talaka.core.ids import parse_task_id
from talaka.core.objects import check_fields, is_bool, is_string
from talaka.core.users import is_text_map, missing, reference, unknown_fields, unknown_performer

OPERATION_TYPE: Final = "USER_BONUS.BATCH_CREATE"
MIN_AMOUNT: Final = 0.01
MAX_AMOUNT: Final = 100
"""US dollars per bonus, as Toloka bounds them."""
MAX_ITEMS: Final = 10_000
"""Bonuses per request: a batch is checked and written inside the request that sends it."""
ID_DIGITS: Final = 10
ITEM_IDX: Final = "__item_idx"
CHECKS: Final = {"user_id": is_string, "private_comment": is_string, "public_title": is_text_map,
                 "public_message": is_text_map, "without_message": is_bool, "assignment_id": is_string}
ORDER: Final = ("user_id", "amount", "private_comment", "public_title", "public_message", "without_message",
                 "assignment_id")
"""A bonus's fields in the order Toloka answers with."""
READ_ONLY: Final = frozenset({"id", "created", ITEM_IDX})
_encode = msgspec.json.encode
_decode = msgspec.json.decode

BonusRow = tuple[int, int | None, float, str, bytes]
"""One bonus as the store inserts it: `(performer no, assignment seq or None, amount, created, body)`."""


def bonus_id(number: int) -> str:
    return f"{number:0{ID_DIGITS}d}"


def decode_items(body: bytes) -> tuple[list[Any], bool]:
    """The items of a create body, one object or an array (each item is checked on its own later);
    and whether it was one object."""
    stripped = body.strip()
    if stripped[:1] not in (b"{", b"["):
        raise BodyProblem("The request body must be a user bonus (a JSON object) or an array of them")
    try:
        value = _decode(stripped)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise BodyProblem(f"The request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise BodyProblem("The request body is nested too deeply to be user bonuses") from None
    if has_nul(stripped):
        raise BodyProblem("The request body has a NUL character (\\u0000) in a string; remove it: "
                          "text fields cannot hold it")
    single = isinstance(value, dict)
    return ([value] if single else value), single


@dataclass(frozen=True, slots=True)
class BonusDraft:
    """One item, checked alone: its fields to store (when it has no problem of form), and the performer
    and assignment ids it names, to look up (see `talaka.core.users.reference`)."""

    fields: dict[str, Any]
    user_id: str | None
    assignment_id: str | None

    @property
    def assignment(self) -> tuple[int, int] | None:
        """`(pool id, seq)` of the assignment it names, if that is an assignment id at all."""
        return parse_task_id(self.assignment_id) if self.assignment_id is not None else None


def check_bonus(item: Any) -> tuple[BonusDraft | None, FieldErrors]:
    """One item alone: every problem of its form, and what it names for the store to look up."""
    if not isinstance(item, dict):
        return None, {"user_bonus": FieldError("OBJECT_EXPECTED", "Value must be an object")}
    errors = unknown_fields(item, frozenset(ORDER), "user bonus", READ_ONLY)
    check_fields(item, CHECKS, ("user_id", "amount"), errors)
    amount = item.get("amount")
    if amount is not None:
        problem = _amount_problem(amount)
        if problem is not None:
            errors["amount"] = problem
    values = {**item, "without_message": item.get("without_message") or False}
    fields = {name: values[name] for name in ORDER if values.get(name) is not None}
    return BonusDraft(fields, reference(item, "user_id", errors), reference(item, "assignment_id", errors)), errors


def _amount_problem(amount: Any) -> FieldError | None:
    if type(amount) not in (int, float):
        return FieldError("FLOAT_EXPECTED", f"Expected an amount in US dollars, got {amount!r:.40}")
    if not amount >= MIN_AMOUNT:
        return FieldError("VALUE_LESS_THAN_MIN", f"Value must be greater or equal to {MIN_AMOUNT}", [MIN_AMOUNT])
    if not amount <= MAX_AMOUNT:
        return FieldError("VALUE_GREATER_THAN_MAX", f"Value must be less or equal to {MAX_AMOUNT}", [MAX_AMOUNT])
    return None


@dataclass(frozen=True, slots=True)
class References:
    """What the store found of the names in a batch: performers known to the requester (id -> no),
    and assignments in the requester's pools (seq -> (pool id, performer no))."""

    performers: Mapping[str, int]
    assignments: Mapping[int, tuple[int, int]]


@dataclass(slots=True)
class Batch:
    """A create request's items, checked: rows to insert by item index, and refused items with the
    item as sent and every problem by field path."""

    total: int
    rows: list[tuple[int, BonusRow]] = field(default_factory=list)
    errors: dict[int, tuple[bytes, FieldErrors]] = field(default_factory=dict)


def check_batch(items: list[Any], drafts: list[tuple[BonusDraft | None, FieldErrors]], found: References,
                created: str) -> Batch:
    """Finish each item with what the store found; a name that is not the requester's is refused."""
    batch = Batch(len(items))
    for idx, (item, (draft, errors)) in enumerate(zip(items, drafts, strict=True)):
        row = resolve(draft, found, created, errors) if draft is not None else None
        if row is None:
            batch.errors[idx] = (_item_as_sent(item), errors)
        else:
            batch.rows.append((idx, row))
    return batch


def resolve(draft: BonusDraft, found: References, created: str, errors: FieldErrors) -> BonusRow | None:
    """The row of a valid item; otherwise None, with what the store did not find added to `errors`."""
    performer_no = found.performers.get(draft.user_id) if draft.user_id is not None else None
    if draft.user_id is not None and performer_no is None:
        errors["user_id"] = unknown_performer()
    seq: int | None = None
    if draft.assignment_id is not None:
        named = draft.assignment
        place = found.assignments.get(named[1]) if named is not None else None
        if named is None or place is None or place[0] != named[0]:
            errors["assignment_id"] = missing("assignment")
        elif performer_no is not None and place[1] != performer_no:
            errors["assignment_id"] = FieldError("INVALID_VALUE", "The assignment was done by another "
                                                                  "performer than user_id")
        else:
            seq = named[1]
    if errors or performer_no is None:
        return None
    body = _encode({**draft.fields, "created": created})
    return performer_no, seq, float(draft.fields["amount"]), created, body


def _item_as_sent(item: Any) -> bytes:
    """The refused item for the log's `input`, without its `__item_idx` (the log puts its own first)."""
    if isinstance(item, dict):
        return _encode({name: value for name, value in item.items() if name != ITEM_IDX})
    return _encode({"value": item})


def details(total: int, valid: int, created: int) -> bytes:
    """The operation's `details` as toloka-kit's `UserBonusCreateBatchOperation.Details` reads them."""
    return _encode({"total_count": total, "valid_count": valid, "not_valid_count": total - valid,
                    "success_count": created, "failed_count": total - created})


def _with_item_idx(item_idx: int, body: bytes) -> bytes:
    rest = body[1:].lstrip()
    separator = b"" if rest[:1] == b"}" else b","
    return b'{"%s":"%d"%s%s' % (ITEM_IDX.encode(), item_idx, separator, rest)


def log_item_persisted(item_idx: int, object_id: str, body: bytes) -> bytes:
    """A created bonus in the operation log: the stored bonus with its `__item_idx`, and its id."""
    return (b'{"type":"USER_BONUS_PERSIST","success":true,"input":%s,"output":{"user_bonus_id":"%s"}}'
            % (_with_item_idx(item_idx, body), object_id.encode()))


def log_item_refused(item_idx: int, item: bytes, errors: bytes) -> bytes:
    """A refused item in the operation log: the item as sent, and every problem by field path."""
    return (b'{"type":"USER_BONUS_VALIDATE","success":false,"input":%s,"output":%s}'
            % (_with_item_idx(item_idx, item), errors))
