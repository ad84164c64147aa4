"""Cursor (keyset) pagination for the API's lists.

A page is ``{"items": [...], "next": "<cursor or null>"}``. The cursor is opaque to clients:
URL-safe base64 of a JSON list holding the sort key values of the last item of the page (the
last key is always the primary key, so the order is total). The next page asks for the rows
strictly after those values instead of using an OFFSET, so that:

- a page costs the same whatever its position in the list (no scanning of skipped rows);
- a row inserted or removed before the cursor does not shift the following page, so a
  client walking the pages sees each row at most once;
- the number of queries per page is fixed: one query for the rows (fetching one extra row
  tells whether there is a next page, no COUNT), plus the queryset's own prefetches.

Usage in an endpoint::

    @router.get("/things", response=ThingPage)
    def things(request, page: Query[PageParams]) -> dict[str, object]:
        result = paginate(Thing.objects.visible_to(user), params=page, ordering=("name",))
        return result.map(ThingOut.from_thing).as_dict()
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from rucher.core.errors import Invalid

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Longer than any honest cursor (sort keys are short columns); refusing early keeps a
# hostile value from reaching the JSON decoder or the database.
MAX_CURSOR_LENGTH = 1024


class PageParams(Schema):
    """The query parameters of every paginated list."""

    cursor: str | None = Field(
        None,
        description="The `next` value of the previous page; omit it for the first page.",
    )
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"How many items per page, 1 to {MAX_LIMIT}.",
    )


class Page[ItemT](Schema):
    """A page of a list. Subclass it with a concrete item type for a named OpenAPI schema."""

    items: list[ItemT]
    next: str | None = Field(
        description="Pass it as `cursor` to get the following page; null on the last page."
    )


@dataclass(frozen=True)
class CursorPage[ItemT]:
    items: list[ItemT]
    next: str | None

    def map[OutT](self, convert: Callable[[ItemT], OutT]) -> CursorPage[OutT]:
        """The same page with each item converted (for example into its API schema)."""
        return CursorPage([convert(item) for item in self.items], self.next)

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "next": self.next}


def paginate[ModelT: models.Model](
    queryset: QuerySet[ModelT],
    *,
    params: PageParams | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    ordering: Sequence[str] = (),
) -> CursorPage[ModelT]:
    """One page of ``queryset`` sorted by ``ordering`` then by primary key.

    ``ordering`` names concrete, non-null fields of the model, a leading "-" for descending.
    Any ordering already on the queryset is replaced, since the cursor must describe the very
    order the rows come in. A cursor that cannot be read raises ``Invalid`` (a 400).
    """
    if params is not None:
        cursor, limit = params.cursor, params.limit
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(
            _("The page size must be between 1 and %d.") % MAX_LIMIT,
            fields={"limit": [_("Between 1 and %d.") % MAX_LIMIT]},
        )
    keys = _sort_keys(queryset.model, ordering)
    queryset = queryset.order_by(*keys)
    if cursor:
        values = decode_cursor(cursor, model=queryset.model, keys=keys)
        queryset = queryset.filter(_after(keys, values))
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    has_more = len(rows) > limit
    return CursorPage(items, encode_cursor(_key_values(items[-1], keys)) if has_more else None)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), default=_json_scalar, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _json_scalar(value: object) -> str:
    """Dates, decimals and UUIDs as strings the fields' ``to_python`` reads back exactly.

    Not DjangoJSONEncoder: it cuts datetimes to milliseconds, and a cursor that is off by a
    few microseconds would skip or repeat rows.
    """
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def decode_cursor(cursor: str, *, model: type[models.Model], keys: Sequence[str]) -> list[Any]:
    """The sort key values a cursor holds, converted to the fields' Python types."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise _bad_cursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, UnicodeError, binascii.Error):
        # json.JSONDecodeError and UnicodeDecodeError are both ValueErrors.
        raise _bad_cursor() from None
    if not isinstance(raw, list) or len(raw) != len(keys):
        raise _bad_cursor()
    values = []
    for key, value in zip(keys, raw, strict=True):
        # None would make an "IS NULL" comparison; lists and objects are not key values.
        if value is None or isinstance(value, list | dict):
            raise _bad_cursor()
        try:
            values.append(_field(model, key.lstrip("-")).to_python(value))
        except (ValidationError, ValueError, TypeError):
            raise _bad_cursor() from None
    return values


def _bad_cursor() -> Invalid:
    message = _("This page link is not valid any more; start again from the first page.")
    return Invalid(message, fields={"cursor": [message]})


def _sort_keys(model: type[models.Model], ordering: Sequence[str]) -> list[str]:
    """The ordering ending with the primary key, so that no two rows tie."""
    pk_name = model._meta.pk.name if model._meta.pk is not None else "id"
    keys: list[str] = []
    for key in ordering:
        bare = key.lstrip("-")
        if bare in ("pk", pk_name):
            # The primary key is unique: keys after it could never change the order.
            return [*keys, key.replace("pk", pk_name) if bare == "pk" else key]
        _field(model, bare)  # fail early on a typo: a programming error, not user input
        keys.append(key)
    return [*keys, pk_name]


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ValueError(f"{model.__name__} has no field {name!r} to paginate on") from None
    if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
        raise ValueError(f"{model.__name__}.{name} is not a column to paginate on")
    return field


def _after(keys: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in the ``keys`` order (a lexicographic comparison).

    For keys (a, b, id): a > va OR (a = va AND b > vb) OR (a = va AND b = vb AND id > vid).
    Spelled out rather than as a row-value comparison so that mixed directions work and
    every database supports it.
    """
    clauses = []
    for position, key in enumerate(keys):
        equal = {keys[i].lstrip("-"): values[i] for i in range(position)}
        name = key.lstrip("-")
        operator = "lt" if key.startswith("-") else "gt"
        clauses.append(Q(**equal, **{f"{name}__{operator}": values[position]}))
    return reduce(lambda left, right: left | right, clauses)


def _key_values(item: models.Model, keys: Sequence[str]) -> list[Any]:
    return [getattr(item, _field(type(item), key.lstrip("-")).attname) for key in keys]
