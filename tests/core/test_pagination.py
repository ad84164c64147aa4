"""Cursor pagination: every row once, in order, at a fixed cost, and bad cursors refused."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.accounts.models import User
from rucher.accounts.selectors import with_card_data
from rucher.accounts.services import user_create
from rucher.core import events
from rucher.core.errors import Invalid
from rucher.core.models import Event
from rucher.core.pagination import (
    MAX_LIMIT,
    CursorPage,
    PageParams,
    decode_cursor,
    encode_cursor,
    paginate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> list[User]:
    """Twenty-three people; a third of them share one name, so only the id tells them apart."""
    return [
        user_create(
            actor=None,
            email=f"p{number}@exemple.fr",
            display_name="Dominique Durand" if number % 3 == 0 else f"Person {number:02d}",
            profile={"skills": [f"Skill {number % 4}", "Python"]},
        )
        for number in range(23)
    ]


def walk(queryset: QuerySet[Any], limit: int, ordering: tuple[str, ...]) -> list[Any]:
    rows: list[Any] = []
    cursor = None
    while True:
        page = paginate(queryset, cursor=cursor, limit=limit, ordering=ordering)
        rows.extend(page.items)
        if page.next is None:
            return rows
        assert len(page.items) == limit
        cursor = page.next


@pytest.mark.parametrize("limit", [1, 2, 5, 22, 23, 24, MAX_LIMIT])
def test_each_row_exactly_once_in_order(people, limit):
    rows = walk(User.objects.all(), limit, ("display_name",))
    assert [row.pk for row in rows] == list(
        User.objects.order_by("display_name", "id").values_list("pk", flat=True)
    )


def test_descending_order_and_an_explicit_primary_key(people):
    rows = walk(User.objects.all(), 4, ("-display_name", "-id"))
    expected = User.objects.order_by("-display_name", "-id").values_list("pk", flat=True)
    assert [row.pk for row in rows] == list(expected)
    assert [row.pk for row in walk(User.objects.all(), 5, ("-pk",))] == sorted(
        (person.pk for person in people), reverse=True
    )


def test_datetimes_keep_their_microseconds(db):
    # Events a few microseconds apart: a cursor rounded to milliseconds would lose some.
    start = timezone.now().replace(microsecond=0)
    for offset in range(12):
        moment = start + datetime.timedelta(microseconds=offset * 7)
        events.record(actor=None, verb="test.tick", occurred_at=moment)
    rows = walk(Event.objects.filter(verb="test.tick"), 5, ("-occurred_at",))
    assert [row.occurred_at for row in rows] == sorted(
        (row.occurred_at for row in rows), reverse=True
    )
    assert len({row.pk for row in rows}) == 12


def test_a_short_last_page_has_no_next(people):
    page = paginate(User.objects.all(), limit=MAX_LIMIT, ordering=("display_name",))
    assert len(page.items) == 23
    assert page.next is None


def test_an_empty_list(db):
    assert paginate(User.objects.none(), limit=10) == CursorPage([], None)


def test_params_from_the_query_string(people):
    ordering = ("display_name",)
    first = paginate(User.objects.all(), params=PageParams(limit=3), ordering=ordering)
    second = paginate(
        User.objects.all(), params=PageParams(cursor=first.next, limit=3), ordering=ordering
    )
    assert [row.pk for row in [*first.items, *second.items]] == list(
        User.objects.order_by("display_name", "id").values_list("pk", flat=True)[:6]
    )


def test_the_order_already_on_the_queryset_is_replaced(people):
    rows = walk(User.objects.order_by("-email"), 6, ("display_name",))
    assert [row.pk for row in rows] == list(
        User.objects.order_by("display_name", "id").values_list("pk", flat=True)
    )


def test_rows_added_before_the_cursor_do_not_shift_the_next_page(people):
    first = paginate(User.objects.all(), limit=5, ordering=("display_name",))
    user_create(actor=None, email="early@exemple.fr", display_name="Aaron Early")
    second = paginate(User.objects.all(), cursor=first.next, limit=5, ordering=("display_name",))
    assert not {row.pk for row in first.items} & {row.pk for row in second.items}


def test_a_page_costs_the_same_queries_whatever_its_length(people):
    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            page = paginate(
                with_card_data(User.objects.all()), limit=limit, ordering=("display_name",)
            )
            # Touch what a person card shows: everything must already be loaded.
            for person in page.items:
                _ = [tag.name for tag in person.profile.skills.all()]
                _ = person.profile.org_unit
        return len(captured)

    assert queries(2) == queries(20) == 2  # the rows, then their skills


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_a_limit_out_of_range_is_refused(db, limit):
    with pytest.raises(Invalid) as error:
        paginate(User.objects.all(), limit=limit)
    assert "limit" in error.value.fields


def raw_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        "bm90IGpzb24",  # "not json"
        raw_cursor({"display_name": "A", "id": 1}),
        raw_cursor(["A"]),
        raw_cursor(["A", 1, 2]),
        raw_cursor(["A", None]),
        raw_cursor([["A"], 1]),
        raw_cursor(["A", "one"]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "A" * 2000,
        "é",
    ],
)
def test_a_bad_cursor_is_invalid_input(people, cursor):
    with pytest.raises(Invalid) as error:
        paginate(User.objects.all(), cursor=cursor, ordering=("display_name",))
    assert "cursor" in error.value.fields


def test_cursors_round_trip():
    moment = datetime.datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=datetime.UTC)
    cursor = encode_cursor(["Élodie", moment, 42])
    assert "=" not in cursor
    values = decode_cursor(cursor, model=Event, keys=["verb", "occurred_at", "id"])
    assert values == ["Élodie", moment, 42]


def test_a_typo_in_the_ordering_is_a_programming_error(db):
    with pytest.raises(ValueError, match="no field"):
        paginate(User.objects.all(), ordering=("dispaly_name",))
    with pytest.raises(ValueError, match="not a column"):
        paginate(User.objects.all(), ordering=("follower_links",))
