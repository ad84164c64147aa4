"""Export → import into an empty database → export gives the same files (issue 7)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rucher.content import services as content
from rucher.core import clock
from rucher.exchange.exporter import Exporter
from rucher.exchange.models import ImportedRecord, RunStatus
from tests.cast import build_conversations
from tests.exchange.helpers import read_jsonl, run_import, table_counts, wipe


@pytest.fixture
def history(personas, communities):
    world = build_conversations(personas, communities)
    member, animator = personas["member"], personas["animator"]
    for visibility in ("open", "private"):
        poll = world[f"poll:{visibility}"]
        option = poll.poll.options.first()
        content.poll_vote(actor=animator, post_id=poll.pk, option_ids=[option.pk])
        content.idea_vote(actor=animator, post_id=world[f"idea:{visibility}"].pk)
        content.event_rsvp(actor=member, post_id=world[f"event:{visibility}"].pk, answer="going")
        content.question_accept_answer(
            actor=member,
            post_id=world[f"question:{visibility}"].pk,
            comment_id=world[f"answer:{visibility}"].pk,
        )
        content.reaction_set(
            actor=member,
            post_id=world[f"post:{visibility}"].pk,
            comment_id=world[f"comment:{visibility}"].pk,
            kind="thanks",
        )
        content.announcement_confirm_read(
            actor=member, post_id=world[f"announcement:{visibility}"].pk
        )
    with clock.frozen(timezone.now() - datetime.timedelta(days=30)):
        content.post_create(actor=member, community_id=None, body="An old profile post #past")
    return world


def test_export_import_export_gives_the_same_files(history, tmp_path):
    first = tmp_path / "first"
    Exporter().write(first)
    before = read_jsonl(first)
    assert before["posts.jsonl"] and before["comments.jsonl"] and before["votes.jsonl"]
    wipe()
    # Our own export: its administrators and project team are trusted to stay what they were.
    run = run_import(first, trust_roles=True)
    assert run.status == RunStatus.DONE, run.error
    assert run.problem_count == 0, run.problems
    second = tmp_path / "second"
    Exporter().write(second)
    after = read_jsonl(second)
    for name in before:
        assert after[name] == before[name], name


def test_importing_twice_changes_nothing(history, tmp_path):
    Exporter().write(tmp_path / "x")
    wipe()
    first = run_import(tmp_path / "x", trust_roles=True)
    assert first.problem_count == 0, first.problems
    counts = table_counts()
    again = run_import(tmp_path / "x", trust_roles=True)
    assert again.status == RunStatus.DONE
    assert all(c["created"] == 0 for c in again.counts.values()), again.counts
    assert sum(c["unchanged"] for c in again.counts.values()) == sum(
        c["created"] + c["matched"] for c in first.counts.values()
    )
    after = table_counts()
    after.pop("exchange.ImportRun"), counts.pop("exchange.ImportRun")
    assert after == counts
    assert ImportedRecord.objects.filter(run=again).count() == 0
