"""Perception surveys of a pilot: the services that write them.

A survey is a bilingual questionnaire (by default the one of ``questionnaire.py``, editable);
it is sent in waves (baseline, mid-pilot, end, deployment) to the pilot's beta users and to
the people of its comparison groups. Answers are anonymous by construction: the invitation
records *that* someone answered, the response records only the arm and the day, and nothing
links the two — not even the event, whose actor is nobody.

Reads (results with intervals, measure samples for the evaluation, "my surveys") live in
``survey_results.py`` and are re-exported here, so callers import one module.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rucher.core import clock, events
from rucher.core.errors import Conflict, Invalid, NotFound
from rucher.pilots import checks, policy
from rucher.pilots.models import (
    Answer,
    Pilot,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
    SurveyWave,
    WaveInvitation,
    WaveKind,
)
from rucher.pilots.questionnaire import (
    CHOICE_KINDS,
    DEFAULT_QUESTIONS,
    DEFAULT_TITLE_EN,
    DEFAULT_TITLE_FR,
    MEASURES,
    RANGES,
)
from rucher.pilots.survey_audience import wave_audience
from rucher.pilots.survey_results import (  # noqa: F401  (the module's public reads)
    measure_samples,
    my_surveys,
    survey_overview,
    wave_results,
    wave_state,
)

if TYPE_CHECKING:
    from rucher.accounts.models import User

MAX_TITLE = 200
MAX_QUESTION = 1000
MAX_CHOICE = 200
MAX_CHOICES = 20
MAX_TEXT_ANSWER = 5000
MAX_REMINDER_DAYS = 60


# ---------------------------------------------------------------- helpers


def _survey_for_manager(actor: User, survey_id: int, *, lock: bool = False) -> Survey:
    """The survey, if ``actor`` manages its pilot; NotFound for a missing survey and for one
    of a pilot ``actor`` may not see alike."""
    surveys = Survey.objects.select_for_update() if lock else Survey.objects.all()
    try:
        survey = surveys.get(pk=survey_id)
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise NotFound("survey") from None
    survey.pilot = policy.access_pilot(user=actor, pilot_id=survey.pilot_id)
    policy.require_manage(actor, survey.pilot)
    return survey


def _question_for_manager(actor: User, question_id: int) -> Question:
    try:
        question = Question.objects.select_for_update().get(pk=question_id)
    except (Question.DoesNotExist, ValueError, TypeError):
        raise NotFound("question") from None
    question.survey = _survey_for_manager(actor, question.survey_id)
    return question


def _wave_for_manager(actor: User, wave_id: int, *, lock: bool = False) -> SurveyWave:
    waves = SurveyWave.objects.select_for_update() if lock else SurveyWave.objects.all()
    try:
        wave = waves.get(pk=wave_id)
    except (SurveyWave.DoesNotExist, ValueError, TypeError):
        raise NotFound("survey wave") from None
    wave.survey = _survey_for_manager(actor, wave.survey_id)
    return wave


def _record(actor: User | None, verb: str, target: Any, pilot: Pilot, **payload: Any) -> None:
    events.record(actor=actor, verb=verb, target=target, payload={"pilot_id": pilot.pk, **payload})


def _moment(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _text(field: str, value: object, limit: int, *, required: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise checks.field_error(field, required)
    if len(text) > limit:
        raise checks.field_error(
            field,
            _("Keep it under %(limit)d characters (it has %(length)d).")
            % {"limit": limit, "length": len(text)},
        )
    return text


# ---------------------------------------------------------------- surveys


def _titles(title_fr: object, title_en: object) -> tuple[str, str]:
    problems: dict[str, list[str]] = {}
    titles = []
    for field, value in (("title_fr", title_fr), ("title_en", title_en)):
        try:
            titles.append(_text(field, value, MAX_TITLE, required=_("Give the survey a title.")))
        except Invalid as error:
            problems.update(error.fields)
    checks.raise_problems(problems)
    return titles[0], titles[1]


@transaction.atomic
def survey_create(
    *,
    actor: User,
    pilot_id: int,
    default: bool = True,
    title_fr: str = "",
    title_en: str = "",
) -> Survey:
    """A survey of the pilot; ``default`` copies the default questionnaire, which the team
    may then edit. Titles left empty take the default questionnaire's."""
    pilot = policy.access_pilot(user=actor, pilot_id=pilot_id)
    policy.require_manage(actor, pilot)
    if default:
        title_fr = title_fr or DEFAULT_TITLE_FR
        title_en = title_en or DEFAULT_TITLE_EN
    title_fr, title_en = _titles(title_fr, title_en)
    survey = Survey.objects.create(pilot=pilot, title_fr=title_fr, title_en=title_en)
    if default:
        Question.objects.bulk_create(
            Question(
                survey=survey,
                position=position,
                kind=item.kind,
                text_fr=item.text_fr,
                text_en=item.text_en,
                measure=item.measure,
                required=item.required,
            )
            for position, item in enumerate(DEFAULT_QUESTIONS, start=1)
        )
    _record(actor, "survey.created", survey, pilot, default=default)
    return survey


@transaction.atomic
def survey_update(*, actor: User, survey_id: int, title_fr: str, title_en: str) -> Survey:
    survey = _survey_for_manager(actor, survey_id, lock=True)
    survey.title_fr, survey.title_en = _titles(title_fr, title_en)
    survey.save(update_fields=["title_fr", "title_en"])
    _record(actor, "survey.updated", survey, survey.pilot)
    return survey


@transaction.atomic
def survey_delete(*, actor: User, survey_id: int) -> None:
    """Only a survey never sent: afterwards, deleting it would delete people's answers."""
    survey = _survey_for_manager(actor, survey_id, lock=True)
    if survey.waves.filter(sent_at__isnull=False).exists():
        raise Conflict(
            _("This survey has been sent: deleting it would delete the answers people gave.")
        )
    _record(actor, "survey.deleted", survey, survey.pilot)
    survey.delete()


# ---------------------------------------------------------------- questions


def _clean_choices(kind: str, choices: object) -> list[dict[str, str]]:
    if kind not in CHOICE_KINDS:
        return []
    if not isinstance(choices, list | tuple):
        raise checks.field_error("choices", _("List the answers to choose from."))
    cleaned = []
    for choice in choices:
        if not isinstance(choice, Mapping):
            raise checks.field_error(
                "choices", _("Each answer needs a French and an English wording.")
            )
        fr = str(choice.get("fr") or "").strip()
        en = str(choice.get("en") or "").strip()
        if not fr and not en:
            continue  # an empty line of the editor
        if not fr or not en:
            raise checks.field_error(
                "choices",
                _("Give the answer “%(answer)s” in both French and English.")
                % {"answer": fr or en},
            )
        if len(fr) > MAX_CHOICE or len(en) > MAX_CHOICE:
            raise checks.field_error(
                "choices", _("Keep each answer under %(limit)d characters.") % {"limit": MAX_CHOICE}
            )
        cleaned.append({"fr": fr, "en": en})
    if not 2 <= len(cleaned) <= MAX_CHOICES:
        raise checks.field_error(
            "choices",
            _("Offer between 2 and %(limit)d answers to choose from.") % {"limit": MAX_CHOICES},
        )
    return cleaned


def _check_question(
    survey: Survey,
    *,
    kind: object,
    text_fr: object,
    text_en: object,
    measure: object,
    choices: object,
    exclude_id: int | None = None,
) -> dict[str, Any]:
    """The question's fields cleaned, or Invalid naming every field with a problem."""
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if kind not in QuestionKind.values:
        problems["kind"] = [_("Choose a kind of question.")]
    else:
        cleaned["kind"] = kind
    for field, value in (("text_fr", text_fr), ("text_en", text_en)):
        try:
            cleaned[field] = _text(field, value, MAX_QUESTION, required=_("Write the question."))
        except Invalid as error:
            problems.update(error.fields)
    measure = str(measure or "")
    if measure and measure not in MEASURES:
        problems["measure"] = [_("Unknown measure.")]
    elif measure and "kind" in cleaned:
        spec = MEASURES[measure]
        if cleaned["kind"] != spec.kind:
            problems["measure"] = [
                _("The measure “%(measure)s” is made of questions of the kind “%(kind)s”.")
                % {"measure": spec.label, "kind": QuestionKind(spec.kind).label}
            ]
        else:
            others = survey.questions.filter(measure=measure)
            if exclude_id is not None:
                others = others.exclude(pk=exclude_id)
            taken = others.count()
            if taken >= spec.items:
                problems["measure"] = [
                    _("The survey already has the %(count)d question(s) of “%(measure)s”.")
                    % {"count": spec.items, "measure": spec.label}
                ]
    cleaned["measure"] = measure
    if "kind" in cleaned:
        try:
            cleaned["choices"] = _clean_choices(cleaned["kind"], choices)
        except Invalid as error:
            problems.update(error.fields)
    checks.raise_problems(problems)
    return cleaned


@transaction.atomic
def question_create(
    *,
    actor: User,
    survey_id: int,
    kind: str,
    text_fr: str,
    text_en: str,
    measure: str = "",
    choices: Iterable[Mapping[str, str]] = (),
    required: bool = True,
) -> Question:
    """A question at the end of the survey. Waves still open show it at once."""
    survey = _survey_for_manager(actor, survey_id, lock=True)
    cleaned = _check_question(
        survey,
        kind=kind,
        text_fr=text_fr,
        text_en=text_en,
        measure=measure,
        choices=list(choices),
    )
    last = survey.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question.objects.create(
        survey=survey, position=last + 1, required=bool(required), **cleaned
    )
    _record(actor, "survey.question_added", question, survey.pilot, survey_id=survey.pk)
    return question


@transaction.atomic
def question_update(
    *,
    actor: User,
    question_id: int,
    kind: str | None = None,
    text_fr: str | None = None,
    text_en: str | None = None,
    measure: str | None = None,
    choices: Iterable[Mapping[str, str]] | None = None,
    required: bool | None = None,
) -> Question:
    """Change a question; fields left None keep their value. Once answered, only the wording
    (and whether it is required) may change: a new kind or other choices would make earlier
    answers mean something else."""
    question = _question_for_manager(actor, question_id)
    survey = question.survey
    wanted_kind = question.kind if kind is None else kind
    wanted_choices = question.choices if choices is None else list(choices)
    cleaned = _check_question(
        survey,
        kind=wanted_kind,
        text_fr=question.text_fr if text_fr is None else text_fr,
        text_en=question.text_en if text_en is None else text_en,
        measure=question.measure if measure is None else measure,
        choices=wanted_choices,
        exclude_id=question.pk,
    )
    if question.answers.exists():
        changed = (
            cleaned["kind"] != question.kind
            or cleaned["measure"] != question.measure
            or len(cleaned["choices"]) != len(question.choices)
        )
        if changed:
            raise Conflict(
                _(
                    "This question has answers: only its wording may change. To ask something "
                    "else, add a new question."
                )
            )
    for field, value in cleaned.items():
        setattr(question, field, value)
    if required is not None:
        question.required = bool(required)
    question.save()
    _record(actor, "survey.question_updated", question, survey.pilot, survey_id=survey.pk)
    return question


@transaction.atomic
def question_delete(*, actor: User, question_id: int) -> None:
    question = _question_for_manager(actor, question_id)
    if question.answers.exists():
        raise Conflict(
            _("This question has answers: deleting it would delete what people answered.")
        )
    survey = question.survey
    _record(actor, "survey.question_deleted", question, survey.pilot, survey_id=survey.pk)
    question.delete()
    _renumber(survey)


def _renumber(survey: Survey) -> list[Question]:
    questions = list(survey.questions.order_by("position", "id"))
    for position, question in enumerate(questions, start=1):
        question.position = position
    Question.objects.bulk_update(questions, ["position"])
    return questions


@transaction.atomic
def question_move(*, actor: User, question_id: int, offset: int) -> Question:
    """Move a question up (negative ``offset``) or down; at either end it stays put."""
    question = _question_for_manager(actor, question_id)
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise checks.field_error("offset", _("Say how far to move the question."))
    questions = _renumber(question.survey)
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = max(0, min(len(questions) - 1, index + offset))
    moved = questions.pop(index)
    questions.insert(target, moved)
    for position, item in enumerate(questions, start=1):
        item.position = position
    Question.objects.bulk_update(questions, ["position"])
    _record(actor, "survey.question_moved", moved, question.survey.pilot, position=target + 1)
    return moved


# ---------------------------------------------------------------- waves


def _moment_value(field: str, value: object) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(8, 0))
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise checks.field_error(field, _("Enter a valid date and time.")) from None
    else:
        raise checks.field_error(field, _("Enter a date and time."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _same_minute(first: datetime.datetime, second: datetime.datetime) -> bool:
    return abs(first - second) < datetime.timedelta(minutes=1) and first.minute == second.minute


def _reminder_days(value: object) -> int:
    try:
        days = int(str(value))
    except (TypeError, ValueError):
        raise checks.field_error("reminder_days", _("Enter a whole number of days.")) from None
    if not 0 <= days <= MAX_REMINDER_DAYS:
        raise checks.field_error(
            "reminder_days",
            _("Remind after 0 (no reminder) to %(limit)d days.") % {"limit": MAX_REMINDER_DAYS},
        )
    return days


def _check_dates(
    opens_at: object, closes_at: object
) -> tuple[datetime.datetime, datetime.datetime]:
    problems: dict[str, list[str]] = {}
    moments: dict[str, datetime.datetime] = {}
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        try:
            moments[field] = _moment_value(field, value)
        except Invalid as error:
            problems.update(error.fields)
    checks.raise_problems(problems)
    opening, closing = moments["opens_at"], moments["closes_at"]
    if closing <= opening:
        raise checks.field_error("closes_at", _("The survey must close after it opens."))
    if closing <= clock.now():
        raise checks.field_error(
            "closes_at", _("This closing date has passed: choose one to come.")
        )
    return opening, closing


@transaction.atomic
def wave_create(
    *,
    actor: User,
    survey_id: int,
    kind: str,
    opens_at: object,
    closes_at: object,
    reminder_days: object = 5,
) -> SurveyWave:
    survey = _survey_for_manager(actor, survey_id, lock=True)
    problems: dict[str, list[str]] = {}
    if kind not in WaveKind.values:
        problems["kind"] = [_("Choose which wave this is.")]
    elif survey.waves.filter(kind=kind).exists():
        problems["kind"] = [
            _("This survey already has a “%(wave)s” wave.") % {"wave": WaveKind(kind).label}
        ]
    dates: tuple[datetime.datetime, datetime.datetime] | None = None
    days = 0
    try:
        dates = _check_dates(opens_at, closes_at)
    except Invalid as error:
        problems.update(error.fields)
    try:
        days = _reminder_days(reminder_days)
    except Invalid as error:
        problems.update(error.fields)
    checks.raise_problems(problems)
    assert dates is not None
    wave = SurveyWave.objects.create(
        survey=survey, kind=kind, opens_at=dates[0], closes_at=dates[1], reminder_days=days
    )
    _record(actor, "survey.wave_created", wave, survey.pilot, kind=kind)
    return wave


@transaction.atomic
def wave_update(
    *,
    actor: User,
    wave_id: int,
    opens_at: object = None,
    closes_at: object = None,
    reminder_days: object = None,
) -> SurveyWave:
    """New dates or reminder delay; None keeps the value. Once the invitations are out the
    opening cannot move (people were told when it opened, and some may have answered), but
    the closing may be pushed back or brought forward to a moment still to come."""
    wave = _wave_for_manager(actor, wave_id, lock=True)
    if opens_at is not None and _same_minute(_moment_value("opens_at", opens_at), wave.opens_at):
        opens_at = None  # the form shows minutes: the same minute is no change
    if wave.sent_at is not None and opens_at is not None:
        raise checks.field_error(
            "opens_at", _("The invitations are out: the opening can no longer change.")
        )
    problems: dict[str, list[str]] = {}
    try:
        opening, closing = _check_dates(
            wave.opens_at if opens_at is None else opens_at,
            wave.closes_at if closes_at is None else closes_at,
        )
    except Invalid as error:
        problems.update(error.fields)
    days = wave.reminder_days
    if reminder_days is not None:
        try:
            days = _reminder_days(reminder_days)
        except Invalid as error:
            problems.update(error.fields)
    checks.raise_problems(problems)
    wave.opens_at, wave.closes_at, wave.reminder_days = opening, closing, days
    wave.save(update_fields=["opens_at", "closes_at", "reminder_days"])
    _record(actor, "survey.wave_updated", wave, wave.survey.pilot)
    return wave


@transaction.atomic
def wave_delete(*, actor: User, wave_id: int) -> None:
    wave = _wave_for_manager(actor, wave_id, lock=True)
    if wave.sent_at is not None:
        raise Conflict(
            _("The invitations of this wave are out: deleting it would delete people's answers.")
        )
    _record(actor, "survey.wave_deleted", wave, wave.survey.pilot, kind=wave.kind)
    wave.delete()


@transaction.atomic
def wave_send(*, actor: User, wave_id: int) -> int:
    """Invite the pilot's beta users and its comparison group to an open wave, in the app and
    by e-mail. Sending again invites only the people not invited yet (beta users added since,
    for instance). Returns how many people were invited now."""
    from rucher.pilots import survey_tasks

    wave = _wave_for_manager(actor, wave_id, lock=True)
    survey, pilot = wave.survey, wave.survey.pilot
    now = clock.now()
    if now >= wave.closes_at:
        raise Conflict(_("This wave closed on %(date)s.") % {"date": _moment(wave.closes_at)})
    if now < wave.opens_at:
        raise Conflict(
            _("This wave opens on %(date)s: send the invitations once it is open.")
            % {"date": _moment(wave.opens_at)}
        )
    if not survey.questions.exists():
        raise Conflict(_("The survey has no questions yet."))
    audience = wave_audience(pilot)
    if not audience:
        raise Conflict(
            _("Nobody to invite: add beta users or a comparison group to the pilot first.")
        )
    already = set(wave.invitations.values_list("user_id", flat=True))
    new = [
        WaveInvitation(wave=wave, user_id=user_id, arm=arm, invited_at=now)
        for user_id, arm in sorted(audience.items())
        if user_id not in already
    ]
    WaveInvitation.objects.bulk_create(new)
    invitations = list(wave.invitations.filter(user_id__in=[i.user_id for i in new]))
    if wave.sent_at is None:
        wave.sent_at = now
        wave.save(update_fields=["sent_at"])
    for invitation in invitations:
        survey_tasks.announce(invitation, survey, reminder=False)
    _record(
        actor,
        "survey.wave_sent",
        wave,
        pilot,
        kind=wave.kind,
        invited=len(invitations),
        pilot_arm=sum(1 for i in invitations if i.arm == "pilot"),
        comparison_arm=sum(1 for i in invitations if i.arm == "comparison"),
    )
    return len(invitations)


# ---------------------------------------------------------------- answering


def _whole(value: object) -> int | None:
    """An integer from a form or JSON value, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _empty(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str | list | tuple) and not value)
        or (isinstance(value, str) and not value.strip())
    )


def _clean_answer(question: Question, value: object) -> tuple[dict[str, Any] | None, str]:
    """(fields of the Answer, "") or (None, message). ``(None, "")`` means "not answered"."""
    kind = question.kind
    if isinstance(value, list | tuple) and kind != QuestionKind.MULTIPLE:
        # One value from a form list; several for a one-answer question stay a list and
        # are refused below.
        value = value[0] if len(value) == 1 else (value or None)
    if _empty(value):
        return None, _("This question needs an answer.") if question.required else ""
    if kind in RANGES:
        low, high = RANGES[kind]
        number = _whole(value)
        if number is None or not low <= number <= high:
            return None, _("Choose a value from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
        return {"number": float(number)}, ""
    if kind == QuestionKind.SINGLE:
        index = _whole(value)
        if index is None or not 0 <= index < len(question.choices):
            return None, _("Choose one of the answers offered.")
        return {"choices": [index]}, ""
    if kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, list | tuple) else [value]
        indexes = [_whole(item) for item in values]
        if any(i is None or not 0 <= i < len(question.choices) for i in indexes):
            return None, _("Choose among the answers offered.")
        return {"choices": sorted({i for i in indexes if i is not None})}, ""
    if not isinstance(value, str):
        return None, _("Write your answer as text.")
    text = value.strip()
    if len(text) > MAX_TEXT_ANSWER:
        return None, _("Keep your answer under %(limit)d characters (it has %(length)d).") % {
            "limit": MAX_TEXT_ANSWER,
            "length": len(text),
        }
    return {"text": text}, ""


def clean_answers(
    questions: list[Question], answers: Mapping[Any, object]
) -> tuple[dict[int, dict[str, Any]], dict[str, list[str]]]:
    """Answers checked question by question: (cleaned by question id, problems by question id
    as a string). Every question is checked, so the person sees every problem at once."""
    by_id = {question.pk: question for question in questions}
    given: dict[int, object] = {}
    problems: dict[str, list[str]] = {}
    for key, value in answers.items():
        question_id = _whole(key)
        if question_id is None or question_id not in by_id:
            problems[str(key)] = [_("This question is not part of the survey.")]
        else:
            given[question_id] = value
    cleaned: dict[int, dict[str, Any]] = {}
    for question in questions:
        fields, message = _clean_answer(question, given.get(question.pk))
        if message:
            problems[str(question.pk)] = [message]
        elif fields is not None:
            cleaned[question.pk] = fields
    return cleaned, problems


def invitation_for(*, user: User, wave_id: int, lock: bool = False) -> WaveInvitation:
    """The person's invitation to a wave: the answer page's access rule. A wave one was not
    invited to is the same NotFound as a missing one."""
    invitations = WaveInvitation.objects.select_related("wave__survey")
    if lock:
        invitations = invitations.select_for_update()
    try:
        invitation = invitations.get(wave_id=wave_id, user=user)
    except (WaveInvitation.DoesNotExist, ValueError, TypeError):
        raise NotFound("survey wave") from None
    if not user.is_active:
        raise NotFound("survey wave")
    return invitation


def check_answerable(invitation: WaveInvitation) -> None:
    wave, now = invitation.wave, clock.now()
    if invitation.responded:
        raise Conflict(_("You have already answered this survey. Thank you!"))
    if now < wave.opens_at:
        raise Conflict(_("This survey opens on %(date)s.") % {"date": _moment(wave.opens_at)})
    if now >= wave.closes_at:
        raise Conflict(_("This survey closed on %(date)s.") % {"date": _moment(wave.closes_at)})


@transaction.atomic
def response_submit(*, user: User, wave_id: int, answers: Mapping[Any, object]) -> SurveyResponse:
    """Record one anonymous response. The response keeps the arm and the day; the invitation
    only learns that its person answered; the event names nobody."""
    invitation = invitation_for(user=user, wave_id=wave_id, lock=True)
    check_answerable(invitation)
    wave = invitation.wave
    questions = list(wave.survey.questions.order_by("position", "id"))
    cleaned, problems = clean_answers(questions, answers)
    checks.raise_problems(
        problems, _("Some answers need your attention. Nothing you wrote has been lost.")
    )
    if not cleaned:
        raise Invalid(_("Answer at least one question before sending."))
    now = clock.now()
    response = SurveyResponse.objects.create(
        wave=wave, arm=invitation.arm, submitted_on=timezone.localdate(now)
    )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=question_id, **fields)
        for question_id, fields in cleaned.items()
    )
    WaveInvitation.objects.filter(pk=invitation.pk).update(responded=True)
    # actor=None and the wave as target: the log must not tell who answered what.
    events.record(
        actor=None,
        verb="survey.answered",
        target=wave,
        payload={"pilot_id": wave.survey.pilot_id},
    )
    return response
