"""The canary: a word written only inside a community never reaches anyone who may not read it.

The permission-matrix world (tests/test_permission_matrix.py) writes "quokkasecret" into every
kind of conversation of the secret community — post, comment, reply, question, answer, poll
and its choices, idea, event and its place, announcement, report, attachment name — and
"quokkaprivate" into the private one. People outside them (a colleague who is not a member,
a partner guest of another community, a former member) then visit every page and API
operation of the matrix that they can GET, their notifications and their e-mails; the words
must appear nowhere: not in a body, not in a header, not in a notification.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from rucher.content import services
from rucher.core.markdown import mention
from tests.test_permission_matrix import CANARY, MEDIA_ROOT, ROWS, build_world

STRANGERS = ("outsider", "other_guest", "former_member")
WORDS = (f"{CANARY}secret", f"{CANARY}private")
EXTRA_PAGES = (
    "home",
    "notifications:list",
    "api:notifications_list",
)


def _leaks(response: Any) -> list[str]:
    if hasattr(response, "streaming_content"):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", "replace") + " ".join(
        f"{key}: {value}" for key, value in response.items()
    )
    return [word for word in WORDS if word in text]


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class Canary(TestCase):
    world: ClassVar[dict[str, Any]]
    sent: ClassVar[list[Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = world = build_world()
        member = world["member"]
        # Mentioning strangers in the secret community must not tell them anything.
        strangers = " ".join(
            mention(world[name].pk, world[name].display_name) for name in STRANGERS
        )
        services.post_create(
            actor=member,
            community_id=world["communities"]["secret"].pk,
            body=f"{strangers} look at {CANARY}secret",
        )
        services.comment_create(
            actor=member, post_id=world["post:secret"].pk, body=f"{strangers} {CANARY}secret"
        )
        # Each test empties the outbox: keep what building the world sent.
        cls.sent = list(mail.outbox)

    def test_no_get_of_the_matrix_shows_the_words(self) -> None:
        leaks: list[str] = []
        paths = {row.path(self.world) for row in ROWS if row.method == "GET"}
        paths |= {self._extra(name) for name in EXTRA_PAGES}
        for persona in STRANGERS:
            client = Client()
            client.force_login(self.world[persona])
            for path in sorted(p for p in paths if p):
                response = client.get(path)
                leaks += [f"{persona} {path}: {word}" for word in _leaks(response)]
        assert leaks == []

    def test_strangers_get_no_notification_and_no_mail(self) -> None:
        from rucher.notifications.models import Notification

        for persona in STRANGERS:
            person = self.world[persona]
            about_them = Notification.objects.filter(
                recipient=person,
                community_id__in=[
                    self.world["communities"]["secret"].pk,
                    self.world["communities"]["private"].pk,
                ],
                verb__in=("mention.created", "comment.created", "reaction.added"),
            )
            assert not about_them.exists(), persona
            for message in self.sent:
                if person.email in message.to:
                    assert not any(word in str(message.message()) for word in WORDS), persona

    def test_the_words_are_really_there_for_members(self) -> None:
        """A canary that cannot sing proves nothing: members do see the words."""
        client = Client()
        client.force_login(self.world["member"])
        response = client.get(reverse("content:post", args=[self.world["post:secret"].pk]))
        assert f"{CANARY}secret" in response.content.decode()

    @staticmethod
    def _extra(name: str) -> str:
        try:
            return reverse(name)
        except Exception:  # an extra page that does not exist: nothing to check
            return ""
