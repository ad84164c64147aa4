"""The .ics file of an event post."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rucher.content import services
from rucher.content.ics import escape_text, fold, ics
from rucher.content.services import EventSpec
from rucher.core.errors import NotFound


def _event(author, community, **spec):
    values = {
        "starts_at": datetime(2031, 3, 4, 9, 30, tzinfo=UTC),
        "ends_at": datetime(2031, 3, 4, 11, 0, tzinfo=UTC),
        "time_zone": "Europe/Paris",
        "place": "Room 4, floor 2; east wing",
    }
    values.update(spec)
    return services.post_create(
        actor=author,
        community_id=community.pk,
        title="Lunch, talk; and \\ more",
        body="Bring **food**.\n\nSecond paragraph with a long line " + "é" * 60,
        type="event",
        event=EventSpec(**values),
    )


def _unfold(data: bytes) -> list[str]:
    return data.decode().replace("\r\n ", "").split("\r\n")


def test_ics_content(communities, member, settings):
    settings.SITE_URL = "https://rucher.example"
    post = _event(member, communities["open"])
    data = ics(member, post)
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    for raw in data.split(b"\r\n"):
        assert len(raw) <= 75
        raw.decode()  # never a UTF-8 character cut in two
    lines = _unfold(data)
    assert f"UID:post-{post.pk}@rucher.example" in lines
    assert "SEQUENCE:0" in lines
    assert "DTSTART:20310304T093000Z" in lines
    assert "DTEND:20310304T110000Z" in lines
    assert "SUMMARY:Lunch\\, talk\\; and \\\\ more" in lines
    assert "LOCATION:Room 4\\, floor 2\\; east wing" in lines
    assert "STATUS:CONFIRMED" in lines
    [description] = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert "Bring food.\\n\\nSecond paragraph" in description
    assert "<strong>" not in description
    [url] = [line for line in lines if line.startswith("URL:")]
    assert url.startswith("URL:https://rucher.example/")
    assert ics(member, post) == data  # stable


def test_ics_of_a_changed_then_cancelled_event(communities, member, animator):
    post = _event(
        member, communities["open"], ends_at=None, place="", online_url="https://m.example/x"
    )
    services.event_cancel(actor=animator, post_id=post.pk)
    lines = _unfold(ics(member, post))
    assert "STATUS:CANCELLED" in lines
    assert "SEQUENCE:1" in lines
    assert "DTEND:20310304T103000Z" in lines  # an hour when no end is given
    assert "LOCATION:https://m.example/x" in lines


def test_ics_follows_the_policy(communities, member, outsider):
    post = _event(member, communities["private"])
    with pytest.raises(NotFound):
        ics(outsider, post)
    discussion = services.post_create(actor=member, community_id=communities["open"].pk, body="x")
    with pytest.raises(NotFound):
        ics(member, discussion)


def test_escaping_and_folding():
    assert escape_text("a,b;c\\d\r\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("X:" + "a" * 200)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == "X:" + "a" * 200
    assert fold("short") == "short"
