"""Survey pages: the manager's tab, editor, wave and results; the answer page and "my surveys";
reminders by e-mail and in the app."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rucher.core import clock
from rucher.notifications.models import Notification
from rucher.notifications.selectors import shown
from rucher.pilots import surveys
from rucher.pilots.models import Survey, SurveyResponse, WaveInvitation
from rucher.pilots.survey_tasks import send_due_reminders
from tests.pilots.survey_cast import DAY, full_answers, make_pilot, open_wave

pytestmark = pytest.mark.usefixtures("shared_cast")


@pytest.fixture
def pilot(personas, communities, org, former_member):
    return make_pilot(personas, communities, org)


@pytest.fixture
def survey(project_lead, pilot):
    return surveys.survey_create(actor=project_lead, pilot_id=pilot.pk)


def test_the_tab_lists_surveys_and_creates_one(client, project_lead, pilot):
    client.force_login(project_lead)
    url = reverse("pilots:surveys", args=[pilot.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert b'data-testid="no-surveys"' in page.content
    created = client.post(url, {"start": "default"})
    survey = Survey.objects.get(pilot=pilot)
    assert created["Location"] == reverse("pilots:survey_edit", args=[pilot.slug, survey.pk])
    assert survey.questions.count() == 11
    refused = client.post(url, {"start": "blank", "title_fr": "Avis"})
    assert refused.status_code == 400
    assert "Avis" in refused.content.decode()  # what was typed stays


def test_the_editor_adds_moves_and_keeps_input_on_errors(client, project_lead, pilot, survey):
    client.force_login(project_lead)
    url = reverse("pilots:survey_edit", args=[pilot.slug, survey.pk])
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "action": "add_question",
            "kind": "single",
            "text_fr": "Fréquence d'usage ?",
            "text_en": "How often?",
            "measure": "",
            "choices": "Souvent | Often",
            "required": "on",
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Fréquence d&#x27;usage ?" in text and "Souvent | Often" in text
    assert "Offer between 2" in text
    good = client.post(
        url,
        {
            "action": "add_question",
            "kind": "single",
            "text_fr": "Fréquence ?",
            "text_en": "How often?",
            "measure": "",
            "choices": "Souvent | Often\nRarement | Rarely",
            "required": "on",
        },
    )
    assert good.status_code == 302
    added = survey.questions.order_by("-position").first()
    assert added.choices == [{"fr": "Souvent", "en": "Often"}, {"fr": "Rarement", "en": "Rarely"}]
    moved = client.post(url, {"action": "move_question", "question": added.pk, "direction": "up"})
    assert moved.status_code == 302
    added.refresh_from_db()
    assert added.position == 11
    assert client.post(url, {"action": "nonsense"}).status_code == 400
    gone = client.post(url, {"action": "delete_question", "question": "abc"})
    assert gone.status_code == 404
    edit = reverse("pilots:survey_question", args=[pilot.slug, survey.pk, added.pk])
    assert client.get(edit).status_code == 200
    saved = client.post(
        edit,
        {
            "kind": "single",
            "text_fr": "Fréquence d'usage ?",
            "text_en": "How often do you use it?",
            "choices": "Souvent | Often\nRarement | Rarely",
        },
    )
    assert saved.status_code == 302
    added.refresh_from_db()
    assert added.text_en == "How often do you use it?" and not added.required


def test_a_wave_is_planned_sent_and_its_dates_kept_on_error(client, project_lead, pilot, survey):
    client.force_login(project_lead)
    url = reverse("pilots:survey_edit", args=[pilot.slug, survey.pk])
    now = clock.now()
    fmt = "%Y-%m-%dT%H:%M"
    refused = client.post(
        url,
        {
            "action": "add_wave",
            "kind": "baseline",
            "opens_at": (now + 3 * DAY).strftime(fmt),
            "closes_at": (now + DAY).strftime(fmt),
            "reminder_days": 4,
        },
    )
    assert refused.status_code == 400
    assert "The survey must close after it opens." in refused.content.decode()
    assert (now + 3 * DAY).strftime(fmt) in refused.content.decode()
    planned = client.post(
        url,
        {
            "action": "add_wave",
            "kind": "baseline",
            "opens_at": (now - DAY).strftime(fmt),
            "closes_at": (now + 10 * DAY).strftime(fmt),
            "reminder_days": 4,
        },
    )
    assert planned.status_code == 302
    wave = survey.waves.get()
    wave_url = reverse("pilots:survey_wave", args=[pilot.slug, wave.pk])
    assert planned["Location"] == wave_url
    sent = client.post(wave_url, {"action": "send"}, follow=True)
    assert "2 people invited." in sent.content.decode()
    assert wave.invitations.count() == 2
    moved = client.post(
        wave_url,
        {
            "action": "update",
            "opens_at": (now + DAY).strftime(fmt),
            "closes_at": (now + 10 * DAY).strftime(fmt),
            "reminder_days": 4,
        },
    )
    assert moved.status_code == 400
    assert "the opening can no longer change" in moved.content.decode()
    # The form shows minutes: the same opening sent back with a later closing is no change.
    later = client.post(
        wave_url,
        {
            "action": "update",
            "opens_at": timezone.localtime(wave.opens_at).strftime(fmt),
            "closes_at": (now + 20 * DAY).strftime(fmt),
            "reminder_days": 2,
        },
    )
    assert later.status_code == 302
    wave.refresh_from_db()
    assert wave.reminder_days == 2
    assert client.post(wave_url, {"action": "delete"}).status_code == 409


def test_managers_only_and_a_404_for_those_who_do_not_see_the_pilot(
    client, pilot, survey, member, outsider, animator
):
    url = reverse("pilots:surveys", args=[pilot.slug])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(member)  # a beta user; results unpublished: the pilot is invisible
    assert client.get(url).status_code == 404
    client.force_login(animator)  # sees its community's part, does not manage
    assert client.get(url).status_code == 403


# ---------------------------------------------------------------- respondents


def test_the_answer_page_states_the_promise_and_keeps_answers_on_errors(
    client, project_lead, survey, member
):
    wave = open_wave(project_lead, survey)
    url = reverse("pilots:survey_answer", args=[wave.pk])
    client.force_login(member)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="anonymity-promise"' in text
    assert "Your answers are anonymous." in text
    assert text.count('aria-hidden="true">*</span>') == 10  # the free text is optional
    questions = list(survey.questions.order_by("position"))
    data = {f"q{q.pk}": "5" for q in questions if q.kind == "likert7"}
    data[f"q{questions[-1].pk}"] = "Keep the weekly digest"
    data[f"q{questions[0].pk}"] = "12"
    refused = client.post(url, data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Choose a value from 1 to 7." in body
    assert "This question needs an answer." in body  # the 0–10 question
    assert "Keep the weekly digest" in body
    assert f'id="q-{questions[1].pk}-5" value="5" checked' in body
    assert not SurveyResponse.objects.exists()
    enps = next(q for q in questions if q.kind == "scale10")
    data[f"q{questions[0].pk}"] = "6"
    data[f"q{enps.pk}"] = "9"
    done = client.post(url, data)
    assert done.status_code == 302
    thanks = client.get(url).content.decode()
    assert 'data-testid="survey-done"' in thanks
    assert SurveyResponse.objects.get().arm == "pilot"
    assert client.post(url, data).status_code == 409  # twice: a conflict, said on the page


def test_the_comparison_group_answers_without_seeing_the_pilot(
    client, project_lead, pilot, survey, former_member, outsider
):
    wave = open_wave(project_lead, survey)
    client.force_login(former_member)
    assert client.get(reverse("pilots:detail", args=[pilot.slug])).status_code == 404
    page = client.get(reverse("pilots:survey_answer", args=[wave.pk]))
    assert page.status_code == 200
    assert pilot.name not in page.content.decode()
    client.force_login(outsider)
    assert client.get(reverse("pilots:survey_answer", args=[wave.pk])).status_code == 404


def test_my_surveys_and_the_notification_lead_to_the_answer_page(
    client, project_lead, survey, member
):
    wave = open_wave(project_lead, survey)
    client.force_login(member)
    mine = client.get(reverse("pilots:my_surveys")).content.decode()
    answer_url = reverse("pilots:survey_answer", args=[wave.pk])
    assert answer_url in mine
    note = Notification.objects.get(recipient=member, verb="survey.invited")
    line = shown(member, [note])[0]
    assert line.url == answer_url
    assert survey.title_en in line.text
    listing = client.get(reverse("notifications:list")).content.decode()
    assert answer_url in listing


def test_results_page_hides_small_groups(client, project_lead, pilot, survey, member):
    wave = open_wave(project_lead, survey)
    surveys.response_submit(user=member, wave_id=wave.pk, answers=full_answers(survey))
    client.force_login(project_lead)
    page = client.get(reverse("pilots:survey_results", args=[pilot.slug, wave.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="results-hidden"' in text
    assert "Fewer than 5 answers" in text


# ---------------------------------------------------------------- e-mails and reminders


def test_invitation_mail_follows_the_recipients_language(
    project_lead, survey, member, former_member, mailoutbox
):
    from rucher.accounts.services import user_set_language

    user_set_language(actor=former_member, language="fr")
    open_wave(project_lead, survey)
    by_person = {message.to[0]: message for message in mailoutbox}
    assert survey.title_en in by_person[member.email].subject
    assert survey.title_fr in by_person[former_member.email].body
    html = by_person[member.email].alternatives[0][0]
    assert "/pilots/surveys/" in html


def test_reminders_go_to_those_who_have_not_answered(
    project_lead, survey, member, former_member, mailoutbox
):
    wave = open_wave(project_lead, survey, reminder_days=3)
    surveys.response_submit(user=member, wave_id=wave.pk, answers=full_answers(survey))
    mailoutbox.clear()
    now = clock.now()
    assert send_due_reminders(now + 2 * DAY) == 0
    assert send_due_reminders(now + 3 * DAY + datetime.timedelta(minutes=1)) == 1
    assert [m.to[0] for m in mailoutbox] == [former_member.email]
    assert "Reminder" in mailoutbox[0].subject
    assert Notification.objects.filter(recipient=former_member, verb="survey.reminded").count() == 1
    # Run again at the same moment: nobody is reminded twice.
    assert send_due_reminders(now + 3 * DAY + datetime.timedelta(minutes=2)) == 0
    # Three days later, once more; after the closing, never.
    assert send_due_reminders(now + 6 * DAY + datetime.timedelta(minutes=2)) == 1
    assert send_due_reminders(wave.closes_at + DAY) == 0
    invitation = WaveInvitation.objects.get(wave=wave, user=former_member)
    assert invitation.reminded_at is not None


def test_the_reminder_job_is_registered():
    from rucher.core.periodic import registered

    assert "pilots.survey_reminders" in {job.name for job in registered()}


def test_no_reminder_when_the_wave_says_none(project_lead, survey, mailoutbox):
    open_wave(project_lead, survey, reminder_days=0)
    mailoutbox.clear()
    assert send_due_reminders(clock.now() + 5 * DAY) == 0
    assert mailoutbox == []
