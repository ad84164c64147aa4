"""Password reset through a real SMTP server (aiosmtpd), as in production."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_password_reset_mail_goes_out_by_smtp_in_the_right_language(
    client, member, animator, settings, smtp_server
):
    inbox, port = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    from rucher.accounts.services import user_set_language

    user_set_language(actor=animator, language="fr")
    client.post(reverse("accounts:password_reset"), {"email": member.email})
    # The page is in English, but the animator chose French: the message follows the person.
    client.post(reverse("accounts:password_reset"), {"email": animator.email})
    assert len(inbox.messages) == 2
    english, french = inbox.messages
    assert english["To"] == member.email
    assert english.is_multipart()
    text = english.get_payload()[0].get_payload(decode=True).decode()
    assert "/accounts/password/reset/" in text
    assert "choose a new password" in text
    assert french["To"] == animator.email
    assert "mot de passe" in french["Subject"].lower()
