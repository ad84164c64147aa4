"""History written after the fact (imports, the demo) tells nobody; recent activity does."""

from __future__ import annotations

import datetime

from django.utils import timezone

from rucher.content import services
from rucher.core import clock
from rucher.notifications.models import Notification


def _comments_told(person) -> int:
    return Notification.objects.filter(recipient=person, verb="comment.created").count()


def test_old_history_is_not_news(communities, member, animator):
    post = services.post_create(actor=member, community_id=communities["open"].pk, body="p")
    with clock.frozen(timezone.now() - datetime.timedelta(days=60)):
        services.comment_create(actor=animator, post_id=post.pk, body="long ago")
    assert _comments_told(member) == 0
    with clock.frozen(timezone.now() - datetime.timedelta(days=2)):
        services.comment_create(actor=animator, post_id=post.pk, body="this week")
    services.comment_create(actor=animator, post_id=post.pk, body="now")
    assert _comments_told(member) == 2
