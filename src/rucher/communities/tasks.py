"""Background work of communities: the invitation e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from rucher.accounts.models import User
from rucher.communities.models import Invitation, InvitationStatus


@task()
def send_invitation_email(invitation_id: int, token: str) -> bool:
    """E-mail the invitation link. The token travels only here: the database keeps a digest."""
    invitation = (
        Invitation.objects.select_related("community", "invited_by")
        .filter(pk=invitation_id, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        return False
    recipient = User.objects.filter(email=invitation.email).first()
    language = (
        (recipient.language if recipient else "")
        or (invitation.invited_by.language if invitation.invited_by else "")
        or settings.LANGUAGE_CODE
    )
    context = {
        "invitation": invitation,
        "community": invitation.community,
        "inviter": invitation.invited_by,
        "link": settings.SITE_URL + reverse("communities:invitation_link", args=[token]),
        "is_partner": recipient is None,
    }
    with translation.override(language):
        subject = render_to_string("communities/email/invitation_subject.txt", context).strip()
        text = render_to_string("communities/email/invitation.txt", context)
        html = render_to_string("communities/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
