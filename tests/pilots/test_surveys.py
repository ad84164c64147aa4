"""Pilot surveys: questionnaire editing, waves, invitations, anonymous answers, results with
the anonymity threshold, measure samples for the evaluation."""

from __future__ import annotations

import datetime

import pytest

from rucher.core import clock
from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.notifications.models import Notification
from rucher.pilots import surveys
from rucher.pilots.models import Answer, SurveyResponse, WaveInvitation
from rucher.pilots.questionnaire import DEFAULT_QUESTIONS, MEASURES
from tests.pilots.survey_cast import DAY, add_people, full_answers, make_pilot, open_wave

pytestmark = pytest.mark.usefixtures("shared_cast")


@pytest.fixture
def pilot(personas, communities, org, former_member):
    return make_pilot(personas, communities, org)


@pytest.fixture
def lead(project_lead):
    return project_lead


@pytest.fixture
def survey(lead, pilot):
    return surveys.survey_create(actor=lead, pilot_id=pilot.pk)


def question(survey, measure: str = "", kind: str = ""):
    questions = survey.questions.order_by("position")
    if measure:
        return questions.filter(measure=measure).first()
    return questions.filter(kind=kind).first()


# ---------------------------------------------------------------- the questionnaire


def test_the_default_questionnaire_is_copied_in_both_languages(survey, lead):
    questions = list(survey.questions.order_by("position"))
    assert len(questions) == len(DEFAULT_QUESTIONS) == 11
    assert [q.position for q in questions] == list(range(1, 12))
    assert all(q.text_fr and q.text_en for q in questions)
    assert [q.measure for q in questions if q.measure == "umux_lite"] == ["umux_lite"] * 2
    assert {q.kind for q in questions if q.measure == "enps"} == {"scale10"}
    assert questions[-1].kind == "text" and not questions[-1].required
    for key, measure in MEASURES.items():
        assert sum(q.measure == key for q in questions) == measure.items, key
    assert Event.objects.filter(verb="survey.created", actor=lead).exists()


def test_only_the_pilots_managers_edit_surveys(pilot, member, outsider, animator):
    with pytest.raises(NotFound):
        surveys.survey_create(actor=member, pilot_id=pilot.pk)  # a beta user, results unpublished
    with pytest.raises(NotFound):
        surveys.survey_create(actor=outsider, pilot_id=pilot.pk)
    with pytest.raises(Forbidden):
        surveys.survey_create(actor=animator, pilot_id=pilot.pk)  # sees its community's part


def test_a_blank_survey_needs_titles(lead, pilot):
    with pytest.raises(Invalid) as caught:
        surveys.survey_create(actor=lead, pilot_id=pilot.pk, default=False, title_en="Only EN")
    assert set(caught.value.fields) == {"title_fr"}
    blank = surveys.survey_create(
        actor=lead, pilot_id=pilot.pk, default=False, title_fr="Avis", title_en="Opinion"
    )
    assert blank.questions.count() == 0


def test_question_rules_name_each_field(lead, survey):
    with pytest.raises(Invalid) as caught:
        surveys.question_create(
            actor=lead, survey_id=survey.pk, kind="likert5", text_fr="", text_en=" ", measure="enps"
        )
    assert set(caught.value.fields) == {"text_fr", "text_en", "measure"}
    with pytest.raises(Invalid) as caught:
        surveys.question_create(
            actor=lead,
            survey_id=survey.pk,
            kind="likert7",
            text_fr="Encore",
            text_en="Again",
            measure="umux_lite",
        )
    assert "already has" in caught.value.fields["measure"][0]
    with pytest.raises(Invalid) as caught:
        surveys.question_create(
            actor=lead,
            survey_id=survey.pk,
            kind="single",
            text_fr="Fréquence ?",
            text_en="How often?",
            choices=[{"fr": "Souvent", "en": "Often"}],
        )
    assert "choices" in caught.value.fields
    with pytest.raises(Invalid) as caught:
        surveys.question_create(
            actor=lead,
            survey_id=survey.pk,
            kind="single",
            text_fr="Fréquence ?",
            text_en="How often?",
            choices=[{"fr": "Souvent", "en": ""}, {"fr": "Rarement", "en": "Rarely"}],
        )
    assert "Souvent" in caught.value.fields["choices"][0]
    with pytest.raises(Invalid):
        surveys.question_create(
            actor=lead, survey_id=survey.pk, kind="slider", text_fr="x", text_en="x"
        )
    made = surveys.question_create(
        actor=lead,
        survey_id=survey.pk,
        kind="multiple",
        text_fr="Où ?",
        text_en="Where?",
        choices=[{"fr": "Bureau", "en": "Office"}, {"fr": "Terrain", "en": "Field"}, {}],
    )
    assert made.position == 12
    assert made.choices == [{"fr": "Bureau", "en": "Office"}, {"fr": "Terrain", "en": "Field"}]


def test_moving_and_deleting_questions_keeps_positions_dense(lead, survey):
    first, second = survey.questions.order_by("position")[:2]
    surveys.question_move(actor=lead, question_id=second.pk, offset=-1)
    order = list(survey.questions.order_by("position").values_list("pk", flat=True))
    assert order[:2] == [second.pk, first.pk]
    surveys.question_move(actor=lead, question_id=second.pk, offset=-5)  # already first
    surveys.question_delete(actor=lead, question_id=first.pk)
    positions = list(survey.questions.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, 11))


def test_an_answered_question_keeps_its_kind(lead, survey, member):
    wave = open_wave(lead, survey)
    surveys.response_submit(user=member, wave_id=wave.pk, answers=full_answers(survey))
    umux = question(survey, "umux_lite")
    with pytest.raises(Conflict):
        surveys.question_update(actor=lead, question_id=umux.pk, kind="likert5", measure="")
    with pytest.raises(Conflict):
        surveys.question_delete(actor=lead, question_id=umux.pk)
    fixed = surveys.question_update(
        actor=lead, question_id=umux.pk, text_en="Rucher's capabilities meet my needs."
    )
    assert fixed.text_en.endswith("needs.") and fixed.kind == "likert7"
    with pytest.raises(Conflict):
        surveys.survey_delete(actor=lead, survey_id=survey.pk)


# ---------------------------------------------------------------- waves


def test_wave_dates_are_checked(lead, survey):
    now = clock.now()
    with pytest.raises(Invalid) as caught:
        surveys.wave_create(
            actor=lead,
            survey_id=survey.pk,
            kind="baseline",
            opens_at=now + 5 * DAY,
            closes_at=now + 2 * DAY,
        )
    assert caught.value.fields == {"closes_at": ["The survey must close after it opens."]}
    with pytest.raises(Invalid) as caught:
        surveys.wave_create(
            actor=lead,
            survey_id=survey.pk,
            kind="baseline",
            opens_at=now - 9 * DAY,
            closes_at=now - 2 * DAY,
        )
    assert "closes_at" in caught.value.fields
    with pytest.raises(Invalid) as caught:
        surveys.wave_create(
            actor=lead,
            survey_id=survey.pk,
            kind="weekly",
            opens_at="not a date",
            closes_at=now + DAY,
            reminder_days=-1,
        )
    assert set(caught.value.fields) == {"kind", "opens_at", "reminder_days"}
    open_wave(lead, survey, send=False)
    with pytest.raises(Invalid) as caught:
        surveys.wave_create(
            actor=lead, survey_id=survey.pk, kind="baseline", opens_at=now, closes_at=now + DAY
        )
    assert "kind" in caught.value.fields


def test_a_sent_wave_keeps_its_opening(lead, survey):
    wave = open_wave(lead, survey)
    with pytest.raises(Invalid) as caught:
        surveys.wave_update(actor=lead, wave_id=wave.pk, opens_at=clock.now() + DAY)
    assert "opens_at" in caught.value.fields
    later = wave.closes_at + 7 * DAY
    assert surveys.wave_update(actor=lead, wave_id=wave.pk, closes_at=later).closes_at == later
    with pytest.raises(Conflict):
        surveys.wave_delete(actor=lead, wave_id=wave.pk)


def test_a_wave_is_sent_once_open_and_not_after_closing(lead, survey):
    now = clock.now()
    wave = surveys.wave_create(
        actor=lead, survey_id=survey.pk, kind="mid", opens_at=now + DAY, closes_at=now + 9 * DAY
    )
    with pytest.raises(Conflict):
        surveys.wave_send(actor=lead, wave_id=wave.pk)
    with clock.frozen(now + 10 * DAY), pytest.raises(Conflict):
        surveys.wave_send(actor=lead, wave_id=wave.pk)


def test_sending_invites_beta_users_and_the_comparison_group(
    lead, survey, member, animator, former_member, guest, deactivated, mailoutbox
):
    wave = open_wave(lead, survey, send=False)
    mailoutbox.clear()  # the community invitations of the cast
    invited = surveys.wave_send(actor=lead, wave_id=wave.pk)
    arms = dict(wave.invitations.values_list("user__email", "arm"))
    # animator is in team_b but animates the pilot community: the pilot reaches them.
    assert arms == {member.email: "pilot", former_member.email: "comparison"}
    assert invited == 2
    notes = Notification.objects.filter(verb="survey.invited")
    assert sorted(notes.values_list("recipient__email", flat=True)) == sorted(arms)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(arms)
    assert "/pilots/surveys/" in mailoutbox[0].body
    # Sending again invites nobody twice.
    assert surveys.wave_send(actor=lead, wave_id=wave.pk) == 0
    assert wave.invitations.count() == 2 and len(mailoutbox) == 2


def test_sending_without_anyone_to_invite_says_so(lead, personas):
    from rucher.pilots import services

    today = clock.now().date()
    empty = services.pilot_create(
        actor=lead, name="Empty pilot", start_date=today, end_date=today + 90 * DAY
    )
    survey = surveys.survey_create(actor=lead, pilot_id=empty.pk)
    wave = open_wave(lead, survey, send=False)
    with pytest.raises(Conflict) as caught:
        surveys.wave_send(actor=lead, wave_id=wave.pk)
    assert "Nobody to invite" in caught.value.message


# ---------------------------------------------------------------- answering


def test_an_answer_is_anonymous(lead, survey, member):
    wave = open_wave(lead, survey)
    response = surveys.response_submit(
        user=member, wave_id=wave.pk, answers=full_answers(survey, text="More groups")
    )
    assert response.arm == "pilot"
    assert response.submitted_on == clock.now().date() or response.submitted_on
    # Nothing on the response or its answers points at a person.
    for model in (SurveyResponse, Answer):
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation}
        assert not any(
            getattr(m, "_meta", None) and m._meta.label == "accounts.User" for m in related
        )
    assert WaveInvitation.objects.get(wave=wave, user=member).responded
    event = Event.objects.get(verb="survey.answered")
    assert event.actor_id is None and event.target_id == wave.pk
    assert str(member.pk) not in str(event.payload)
    assert Answer.objects.filter(response=response).count() == 11
    with pytest.raises(Conflict):
        surveys.response_submit(user=member, wave_id=wave.pk, answers=full_answers(survey))


def test_every_problem_is_named_by_question(lead, survey, member):
    wave = open_wave(lead, survey)
    umux = question(survey, "umux_lite")
    enps = question(survey, "enps")
    answers = full_answers(survey)
    answers[umux.pk] = 9  # out of 1..7
    answers[enps.pk] = ""  # required
    answers[999999] = 3  # not in the survey
    with pytest.raises(Invalid) as caught:
        surveys.response_submit(user=member, wave_id=wave.pk, answers=answers)
    assert caught.value.fields == {
        str(umux.pk): ["Choose a value from 1 to 7."],
        str(enps.pk): ["This question needs an answer."],
        "999999": ["This question is not part of the survey."],
    }
    assert not SurveyResponse.objects.exists()
    assert not WaveInvitation.objects.get(wave=wave, user=member).responded


def test_choice_and_text_answers_are_checked(lead, survey, member):
    single = surveys.question_create(
        actor=lead,
        survey_id=survey.pk,
        kind="single",
        text_fr="Fréquence ?",
        text_en="How often?",
        choices=[{"fr": "Souvent", "en": "Often"}, {"fr": "Rarement", "en": "Rarely"}],
    )
    multiple = surveys.question_create(
        actor=lead,
        survey_id=survey.pk,
        kind="multiple",
        text_fr="Où ?",
        text_en="Where?",
        choices=[{"fr": "Bureau", "en": "Office"}, {"fr": "Terrain", "en": "Field"}],
    )
    text = question(survey, kind="text")
    wave = open_wave(lead, survey)
    answers = full_answers(survey)
    answers[single.pk] = 2
    answers[multiple.pk] = ["0", "7"]
    answers[text.pk] = "x" * 5001
    with pytest.raises(Invalid) as caught:
        surveys.response_submit(user=member, wave_id=wave.pk, answers=answers)
    assert set(caught.value.fields) == {str(single.pk), str(multiple.pk), str(text.pk)}
    answers[single.pk] = "1"
    answers[multiple.pk] = ["1", "0", "1"]
    answers[text.pk] = "  Plus de terrain  "
    response = surveys.response_submit(user=member, wave_id=wave.pk, answers=answers)
    stored = {a.question_id: a for a in response.answers.all()}
    assert stored[single.pk].choices == [1]
    assert stored[multiple.pk].choices == [0, 1]
    assert stored[text.pk].text == "Plus de terrain"


def test_only_the_invited_answer_while_the_wave_is_open(lead, survey, member, outsider):
    wave = open_wave(lead, survey)
    with pytest.raises(NotFound):
        surveys.response_submit(user=outsider, wave_id=wave.pk, answers=full_answers(survey))
    with pytest.raises(NotFound):
        surveys.response_submit(user=lead, wave_id=wave.pk, answers=full_answers(survey))
    with clock.frozen(wave.closes_at + DAY), pytest.raises(Conflict):
        surveys.response_submit(user=member, wave_id=wave.pk, answers=full_answers(survey))


def test_my_surveys_lists_open_unanswered_waves(lead, survey, member, former_member):
    wave = open_wave(lead, survey)
    assert [i.wave_id for i in surveys.my_surveys(member)] == [wave.pk]
    assert [i.wave_id for i in surveys.my_surveys(former_member)] == [wave.pk]
    surveys.response_submit(user=member, wave_id=wave.pk, answers=full_answers(survey))
    assert list(surveys.my_surveys(member)) == []
    with clock.frozen(wave.closes_at + DAY):
        assert list(surveys.my_surveys(former_member)) == []


# ---------------------------------------------------------------- results and anonymity


def answer_as(people, survey, wave, **kw):
    for person in people:
        surveys.response_submit(user=person, wave_id=wave.pk, answers=full_answers(survey, **kw))


def test_results_stay_hidden_below_the_minimum_group_size(lead, pilot, survey, org):
    beta = add_people(lead, pilot, org, 4, arm="pilot")
    wave = open_wave(lead, survey)
    answer_as(beta, survey, wave, text="Hello")
    results = surveys.wave_results(wave, lead)
    assert results.min_group_size == 5
    assert not results.any_shown
    pilot_arm = next(a for a in results.arms if a.arm == "pilot")
    assert (pilot_arm.responded, pilot_arm.shown) == (4, False)
    for item in results.questions:
        assert all(not arm.shown and arm.mean is None and not arm.texts for arm in item.arms)
    for measure in results.measures:
        assert all(arm.interval is None for arm in measure.arms)


def test_results_show_scores_with_intervals_from_the_minimum(lead, pilot, survey, org, member):
    beta = add_people(lead, pilot, org, 5, arm="pilot")
    comparison = add_people(lead, pilot, org, 2, arm="comparison")
    wave = open_wave(lead, survey)
    answer_as(beta[:3], survey, wave, likert=7, score=10, text="Great for the field")
    answer_as(beta[3:], survey, wave, likert=4, score=5, text="Too many notifications")
    answer_as(comparison, survey, wave, likert=2, score=3)
    results = surveys.wave_results(wave, lead)
    by_key = {m.key: {a.arm: a for a in m.arms} for m in results.measures}
    umux = by_key["umux_lite"]["pilot"]
    # (7 + 7 − 2) × 100 / 12 = 100 for three people, (4 + 4 − 2) × 100 / 12 = 50 for two.
    assert umux.shown and umux.n == 5
    assert umux.interval.estimate == pytest.approx(80.0)
    assert umux.interval.low <= 80 <= umux.interval.high
    enps = by_key["enps"]["pilot"]
    assert enps.interval.estimate == pytest.approx(20.0)  # 60% promoters − 40% detractors
    assert not by_key["umux_lite"]["comparison"].shown  # 2 answers (+ former_member: none)
    text = next(q for q in results.questions if q.question.kind == "text")
    pilot_texts = next(a for a in text.arms if a.arm == "pilot").texts
    assert sorted(pilot_texts) == sorted(
        ["Great for the field"] * 3 + ["Too many notifications"] * 2
    )
    likert = next(q for q in results.questions if q.question.measure == "intention")
    pilot_likert = next(a for a in likert.arms if a.arm == "pilot")
    assert pilot_likert.mean.estimate == pytest.approx((3 * 7 + 2 * 4) / 5)
    assert [bar.count for bar in pilot_likert.bars] == [0, 0, 0, 2, 0, 0, 3]


def test_results_follow_the_pilots_results_policy(lead, pilot, survey, member, outsider):
    from rucher.pilots import services

    wave = open_wave(lead, survey)
    with pytest.raises(NotFound):
        surveys.wave_results(wave, outsider)
    with pytest.raises(NotFound):
        surveys.wave_results(wave, member)  # results not published: the pilot is invisible
    services.pilot_publish_results(actor=lead, pilot_id=pilot.pk, published=True)
    assert surveys.wave_results(wave, member).wave == wave


def test_measure_samples_give_per_respondent_scores_by_wave_and_arm(lead, pilot, survey, org):
    beta = add_people(lead, pilot, org, 6, arm="pilot")
    comparison = add_people(lead, pilot, org, 3, arm="comparison")
    baseline = open_wave(lead, survey, kind="baseline")
    answer_as(beta, survey, baseline, likert=4)
    answer_as(comparison, survey, baseline, likert=4)
    samples = surveys.measure_samples(pilot, "umux_lite")
    assert samples[("baseline", "pilot")] == [50.0] * 6
    assert samples[("baseline", "comparison")] == []  # 3 people: under the minimum
    assert surveys.measure_samples(pilot, "usefulness")[("baseline", "pilot")] == [4.0] * 6
    assert surveys.measure_samples(pilot, "enps")[("baseline", "pilot")] == [9.0] * 6
    assert surveys.measure_samples(pilot, "nonsense") == {}


def test_an_incomplete_measure_does_not_score(lead, pilot, survey, org):
    beta = add_people(lead, pilot, org, 5, arm="pilot")
    umux = list(survey.questions.filter(measure="umux_lite").order_by("position"))
    surveys.question_update(actor=lead, question_id=umux[1].pk, required=False)
    wave = open_wave(lead, survey)
    for person in beta:
        answers = full_answers(survey)
        answers.pop(umux[1].pk)
        surveys.response_submit(user=person, wave_id=wave.pk, answers=answers)
    assert surveys.measure_samples(pilot, "umux_lite")[(wave.kind, "pilot")] == []
    assert len(surveys.measure_samples(pilot, "usefulness")[(wave.kind, "pilot")]) == 5


def test_no_answer_at_all_is_refused(lead, pilot, survey, member):
    for item in survey.questions.all():
        surveys.question_update(actor=lead, question_id=item.pk, required=False)
    wave = open_wave(lead, survey)
    with pytest.raises(Invalid):
        surveys.response_submit(user=member, wave_id=wave.pk, answers={})


def test_wave_send_records_counts_per_arm(lead, survey):
    wave = open_wave(lead, survey)
    event = Event.objects.get(verb="survey.wave_sent")
    assert event.target_id == wave.pk
    assert event.payload["pilot_arm"] == 1 and event.payload["comparison_arm"] == 1


def test_answered_on_a_past_day_keeps_only_the_day(lead, survey, member):
    wave = open_wave(lead, survey)
    moment = clock.now() + datetime.timedelta(days=2, hours=3, minutes=17)
    with clock.frozen(moment):
        response = surveys.response_submit(
            user=member, wave_id=wave.pk, answers=full_answers(survey)
        )
    assert isinstance(response.submitted_on, datetime.date)
    assert not isinstance(response.submitted_on, datetime.datetime)
