"""Telling people about a survey wave: in the app (an event the notifications consumer turns
into a notification) and by e-mail in the recipient's language, first when the wave is sent,
then as reminders every ``reminder_days`` to those who have not answered, until it closes.

The e-mail and the notification name the survey, never the pilot: the comparison group is
asked too, and a pilot's name is for the people who may see it.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from rucher.core import clock, events
from rucher.core.transactions import after_commit
from rucher.pilots.models import Survey, SurveyWave, WaveInvitation

logger = logging.getLogger(__name__)

INVITED = "survey.invited"
REMINDED = "survey.reminded"


def announce(invitation: WaveInvitation, survey: Survey, *, reminder: bool) -> None:
    """Record the in-app notice and queue the e-mail (after commit). Call inside the
    service's transaction."""
    events.record(
        actor=None,
        verb=REMINDED if reminder else INVITED,
        target=invitation.wave,
        payload={
            "user_id": invitation.user_id,
            "wave_id": invitation.wave_id,
            "title_fr": survey.title_fr,
            "title_en": survey.title_en,
        },
    )
    invitation_id = invitation.pk
    after_commit(lambda: send_survey_email.enqueue(invitation_id, reminder))


@task()
def send_survey_email(invitation_id: int, reminder: bool) -> bool:
    """E-mail one invitation or reminder, unless the person answered or the wave closed
    meanwhile (a queued reminder must not nag someone who has just answered)."""
    invitation = (
        WaveInvitation.objects.select_related("wave__survey", "user")
        .filter(pk=invitation_id, responded=False, user__is_active=True)
        .first()
    )
    if invitation is None:
        return False
    wave, person = invitation.wave, invitation.user
    if clock.now() >= wave.closes_at:
        return False
    language = person.language or settings.LANGUAGE_CODE
    with translation.override(language):
        title = wave.survey.title_fr if language.startswith("fr") else wave.survey.title_en
        context = {
            "person": person,
            "title": title or wave.survey.title_en,
            "wave": wave,
            "reminder": reminder,
            "link": settings.SITE_URL + reverse("pilots:survey_answer", args=[wave.pk]),
            "questions": wave.survey.questions.count(),
        }
        subject = render_to_string("pilots/email/survey_subject.txt", context).strip()
        text = render_to_string("pilots/email/survey.txt", context)
        html = render_to_string("pilots/email/survey.html", context)
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """Remind the people who have not answered an open wave ``reminder_days`` after the
    invitation or the previous reminder. Returns how many were reminded. The periodic job
    (``pilots/jobs.py``) runs it every hour; running it twice reminds nobody twice."""
    now = now or clock.now()
    reminded = 0
    waves = SurveyWave.objects.filter(
        sent_at__isnull=False, opens_at__lte=now, closes_at__gt=now, reminder_days__gt=0
    ).select_related("survey")
    for wave in waves:
        cutoff = now - datetime.timedelta(days=wave.reminder_days)
        with transaction.atomic():
            due = list(
                WaveInvitation.objects.select_for_update()
                .filter(wave=wave, responded=False, user__is_active=True)
                .filter(
                    Q(reminded_at__isnull=True, invited_at__lte=cutoff) | Q(reminded_at__lte=cutoff)
                )
            )
            for invitation in due:
                invitation.reminded_at = now
                invitation.wave = wave
                announce(invitation, wave.survey, reminder=True)
            WaveInvitation.objects.bulk_update(due, ["reminded_at"])
        reminded += len(due)
    if reminded:
        logger.info("survey reminders sent: %d", reminded)
    return reminded
