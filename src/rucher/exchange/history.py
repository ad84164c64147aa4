"""A person's imported history starts before their arrival in Rucher: say so in the log.

An import brings months of a person's posts, comments, reactions and memberships, but their
account may be younger than that history: it was provisioned before the import (single
sign-on, SCIM, an earlier import), or the file gave no ``created_at`` and the account is
dated from the import. Analytics count a person from their arrival (their first role and org
unit), so without more, the imported history of such people would fall outside every KPI —
and a pilot's baseline, which is what the history is imported for, would be empty.

After the records of a run are written, ``reach_back`` finds, for each person of the source,
the time of their earliest imported event, and where it comes before their arrival it
records ``user.history_imported`` at that time (payload: ``arrived_at``, the account's own
date, kept as it is). The analytics rollups then extend the person's first role and org
unit back to that day. Like everything the importer does, it is idempotent: a person whose
history already reaches that far is left alone, and running it again records nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Min, OuterRef, Subquery

from rucher.accounts.models import User
from rucher.core.models import Event
from rucher.exchange import events as ev
from rucher.exchange.models import ImportedRecord

if TYPE_CHECKING:
    from rucher.exchange.models import ImportRun

VERB = "user.history_imported"


# People looked at a time: the memory used stays the same whatever the number of people
# (all at once, 40,000 people took 12 MiB more than the import itself).
CHUNK = 2000


def reach_back(run: ImportRun) -> int:
    """Record where each person's history begins before their arrival; returns how many."""
    people = ImportedRecord.objects.filter(source=run.source, kind="person").order_by("local_id")
    recorded, after = 0, 0
    while chunk := list(
        people.filter(local_id__gt=after).values_list("local_id", flat=True)[:CHUNK]
    ):
        recorded += _reach_back_of(set(chunk))
        after = chunk[-1]
    return recorded


def _reach_back_of(people: set[int]) -> int:
    firsts: dict[int, datetime.datetime] = dict(
        Event.objects.filter(actor_id__in=people)
        .exclude(verb=VERB)
        .values("actor_id")
        .annotate(first=Min("occurred_at"))
        .values_list("actor_id", "first")
    )
    recorded_before = (
        Event.objects.filter(verb=VERB, target_type="accounts.user", target_id=OuterRef("pk"))
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    rows = []
    for person in User.objects.filter(pk__in=people).annotate(reached=Subquery(recorded_before)):
        begins = firsts.get(person.pk)
        known = min(person.date_joined, person.reached or person.date_joined)
        if begins is None or begins >= known:
            continue
        rows.append(
            ev.event(
                VERB,
                at=begins,
                actor_id=None,
                target_type=ev.USER,
                target_id=person.pk,
                arrived_at=person.date_joined.isoformat(),
            )
        )
    # Written in bulk like the import's other events, and like them left to the consumers'
    # own runs (``rucher consume``): through ``core.events.record`` the in-process consumers
    # ran after the commit over the whole imported log (a third of a 100 000-record import).
    ev.write(rows)
    return len(rows)
