"""``rucher.exchange.bulk`` writes what ``bulk_create`` / ``bulk_update`` would."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db.models import Model
from django.utils import timezone

from rucher.core import many_rows
from rucher.core.models import Event
from rucher.exchange import bulk
from rucher.exchange.models import ImportedRecord


def _stored(model: type[Model], pks: list[int]) -> list[dict[str, object]]:
    return list(model.objects.filter(pk__in=pks).order_by("pk").values())  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_insert_sets_ids_and_stores_the_same_values_as_bulk_create():
    at = timezone.now() - datetime.timedelta(days=3)

    def events() -> list[Event]:
        return [
            Event(
                verb="post.created",
                target_type="post",
                target_id=i,
                payload={"n": i},
                occurred_at=at,
            )
            for i in range(1, 6)
        ]

    ours, django = events(), events()
    bulk.insert(Event, ours)
    Event.objects.bulk_create(django)
    assert all(e.pk is not None and not e._state.adding for e in ours)
    assert len({e.pk for e in ours}) == 5
    strip = [
        {k: v for k, v in row.items() if k not in {"id", "recorded_at"}}
        for row in _stored(Event, [e.pk for e in ours])
    ]
    expected = [
        {k: v for k, v in row.items() if k not in {"id", "recorded_at"}}
        for row in _stored(Event, [e.pk for e in django])
    ]
    assert strip == expected


@pytest.mark.django_db
def test_update_writes_the_named_fields_only():
    rows = [
        ImportedRecord(source="s", kind="post", original_id=str(i), local_id=i) for i in range(3)
    ]
    bulk.insert(ImportedRecord, rows)
    for row in rows:
        row.local_id += 100
        row.kind = "changed"
    bulk.update(ImportedRecord, rows, ["local_id"])
    stored = _stored(ImportedRecord, [r.pk for r in rows])
    assert [r["local_id"] for r in stored] == [100, 101, 102]
    assert {r["kind"] for r in stored} == {"post"}


@pytest.mark.django_db
def test_table_writes_tuples_as_bulk_create_writes_instances():
    at = timezone.now() - datetime.timedelta(days=3)
    django = [
        Event(
            verb="post.created", target_type="post", target_id=i, payload={"n": i}, occurred_at=at
        )
        for i in range(1, 4)
    ]
    Event.objects.bulk_create(django)
    table = bulk.Table(Event, ("occurred_at", "verb", "target_type", "target_id", "payload"))
    seen: list[list[int]] = []
    ids = table.insert(
        [(at, "post.created", "post", i, {"n": i}) for i in range(1, 4)], with_ids=seen.append
    )
    assert seen == [ids] and len(set(ids)) == 3
    assert min(ids) > max(e.pk for e in django)
    strip = [
        {k: v for k, v in row.items() if k not in {"id", "recorded_at"}}
        for row in _stored(Event, ids)
    ]
    expected = [
        {k: v for k, v in row.items() if k not in {"id", "recorded_at"}}
        for row in _stored(Event, [e.pk for e in django])
    ]
    assert strip == expected
    # The default of a column not given: ``recorded_at`` (auto_now_add) is the time of writing.
    assert all(e.recorded_at >= at for e in Event.objects.filter(pk__in=ids))


@pytest.mark.django_db
def test_table_never_reuses_the_id_of_a_deleted_row():
    table = bulk.Table(ImportedRecord, ("source", "kind", "original_id", "local_id"))
    first = table.insert([("s", "post", "1", 1), ("s", "post", "2", 2)])
    ImportedRecord.objects.filter(pk=first[-1]).delete()
    assert table.insert([("s", "post", "3", 3)]) == [first[-1] + 1]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3, 6, 7])
def test_table_writes_every_row_whatever_the_rows_per_statement(monkeypatch, rows):
    """On SQLite the rows go by statements of several rows: a last one part full, or none."""
    monkeypatch.setattr(many_rows, "ROWS_PER_STATEMENT", 3)
    table = bulk.Table(ImportedRecord, ("source", "kind", "original_id", "local_id"))
    ids = table.insert([("s", "post", f"o{i}", 100 + i) for i in range(rows)])
    assert ids == list(range(ids[0], ids[0] + rows))
    stored = _stored(ImportedRecord, ids)
    assert [(r["id"], r["original_id"], r["local_id"]) for r in stored] == [
        (pk, f"o{i}", 100 + i) for i, pk in enumerate(ids)
    ]


@pytest.mark.django_db
def test_a_row_that_breaks_a_constraint_fails_the_insert(monkeypatch):
    """What the importer's fallback to record by record relies on: an error, nothing written.
    The driver's own error (the rows go to the driver's cursor, not through Django's)."""
    import sqlite3

    import psycopg
    from django.db import IntegrityError, transaction

    monkeypatch.setattr(many_rows, "ROWS_PER_STATEMENT", 2)
    table = bulk.Table(ImportedRecord, ("source", "kind", "original_id", "local_id"))
    table.insert([("s", "post", "taken", 1)])
    errors = (IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)
    rows = [("s", "post", f"o{i}", i) for i in range(3)] + [("s", "post", "taken", 9)]
    with pytest.raises(errors), transaction.atomic():
        table.insert(rows)
    assert ImportedRecord.objects.filter(source="s").count() == 1


def test_values_are_given_to_the_database_as_django_gives_them():
    """The shortcuts (one JSON encoder built once, UTC datetimes cut) write the same text."""
    from zoneinfo import ZoneInfo

    from django.db import connection

    for payload in [
        {"kind": "like", "post_id": 3, "comment_id": None, "item": "post:3"},
        {"fields": ["bio", "org_unit"], "org_unit_id": 12, "ratio": 0.1, "ok": True},
        {"name": "Zoé “quoted” \n\t\\", "nested": {"a": [1, 2.5, None]}, "n": -7},
        [],
        "text",
    ]:
        assert bulk._json_text(payload) == json.dumps(payload)  # what JSONField writes
    field = Event._meta.get_field("occurred_at")
    for moment in [
        datetime.datetime(2022, 3, 4, 5, 6, tzinfo=datetime.UTC),
        datetime.datetime(2022, 3, 4, 5, 6, 7, 890, tzinfo=datetime.UTC),
        datetime.datetime.fromisoformat("2022-03-04T05:06:00Z"),
        datetime.datetime(2022, 7, 1, 23, 30, tzinfo=ZoneInfo("Europe/Paris")),
        datetime.datetime.fromisoformat("2022-03-04T07:06:00+02:00"),  # the same as the third
        # The hour that comes twice in the autumn: equal as keys, an hour apart in UTC.
        datetime.datetime(2022, 10, 30, 2, 30, tzinfo=ZoneInfo("Europe/Paris")),
        datetime.datetime(2022, 10, 30, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Paris")),
        timezone.now(),
    ]:
        expected = field.get_db_prep_save(moment, connection)
        for _seen_before in range(2):  # once formatted, once from the texts kept
            assert bulk.datetime_to_db(connection)(moment) == expected


def test_the_datetime_texts_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(bulk, "_TEXTS_KEPT", 10)
    start = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    moments = [start + datetime.timedelta(seconds=second) for second in range(25)]
    texts = [bulk._sqlite_datetime(moment) for moment in moments]
    assert len(bulk._texts) <= 10
    assert texts == [f"2022-01-01 00:00:{second:02d}" for second in range(25)]
    assert [bulk._sqlite_datetime(moment) for moment in moments] == texts
