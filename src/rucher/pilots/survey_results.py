"""Reading perception surveys: results with intervals, measure samples, "my surveys".

Anonymity on the way out: a group (an arm of a wave, or the answers of an arm to one
question) with fewer answers than the organisation's minimum group size is not shown — the
page says "fewer than N answers". Free-text answers are listed without names, in an order
that does not follow the order they came in.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rucher.core import clock
from rucher.pilots import policy, stats
from rucher.pilots.models import (
    Answer,
    Arm,
    Pilot,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
    SurveyWave,
    WaveInvitation,
)
from rucher.pilots.questionnaire import MEASURES, RANGES

if TYPE_CHECKING:
    from rucher.accounts.models import User


def min_group_size() -> int:
    from rucher.analytics.selectors import min_group_size as configured

    return configured()


def french() -> bool:
    return (get_language() or "en").startswith("fr")


def localized(obj: Any, name: str) -> str:
    """``obj.<name>_fr`` or ``_en`` by the current language, the other one when empty."""
    first, second = ("fr", "en") if french() else ("en", "fr")
    return str(getattr(obj, f"{name}_{first}") or getattr(obj, f"{name}_{second}") or "")


def choice_label(choice: dict[str, str]) -> str:
    first, second = ("fr", "en") if french() else ("en", "fr")
    return choice.get(first) or choice.get(second) or ""


def wave_state(wave: SurveyWave, now: datetime.datetime | None = None) -> str:
    """ "scheduled", "open" or "closed"."""
    now = now or clock.now()
    if now < wave.opens_at:
        return "scheduled"
    return "open" if now < wave.closes_at else "closed"


# ---------------------------------------------------------------- participation


@dataclass
class ArmParticipation:
    arm: str
    label: str
    invited: int
    responded: int
    shown: bool  # enough answers to show results

    @property
    def rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None


def participation(wave: SurveyWave) -> list[ArmParticipation]:
    """Invited and answered per arm. Counts only: who answered is never shown."""
    rows = {
        row["arm"]: row
        for row in wave.invitations.values("arm")
        .annotate(invited=Count("pk"), responded=Count("pk", filter=Q(responded=True)))
        .order_by()
    }
    answered = dict(
        wave.responses.values("arm").annotate(n=Count("pk")).order_by().values_list("arm", "n")
    )
    minimum = min_group_size()
    result = []
    for arm, label in Arm.choices:
        row = rows.get(arm, {"invited": 0, "responded": 0})
        responded = answered.get(arm, 0)
        result.append(
            ArmParticipation(arm, str(label), row["invited"], responded, responded >= minimum)
        )
    return result


@dataclass
class WaveSummary:
    wave: SurveyWave
    state: str
    arms: list[ArmParticipation]

    @property
    def invited(self) -> int:
        return sum(arm.invited for arm in self.arms)

    @property
    def responded(self) -> int:
        return sum(arm.responded for arm in self.arms)


@dataclass
class SurveySummary:
    survey: Survey
    title: str
    questions: int
    waves: list[WaveSummary]


def survey_overview(pilot: Pilot) -> list[SurveySummary]:
    """The pilot's surveys with their waves and participation (for the surveys tab)."""
    surveys = pilot.surveys.annotate(question_count=Count("questions")).order_by("id")
    now = clock.now()
    return [
        SurveySummary(
            survey,
            localized(survey, "title"),
            survey.question_count,
            [
                WaveSummary(wave, wave_state(wave, now), participation(wave))
                for wave in survey.waves.order_by("opens_at", "id")
            ],
        )
        for survey in surveys
    ]


# ---------------------------------------------------------------- results of a wave


@dataclass
class Bar:
    label: str
    count: int
    share: float  # of the arm's answers to the question
    interval: stats.Interval | None = None  # Wilson, for choices


@dataclass
class ArmAnswers:
    arm: str
    label: str
    n: int
    shown: bool
    mean: stats.Interval | None = None
    nps: stats.Interval | None = None
    bars: list[Bar] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class QuestionResult:
    question: Question
    text: str
    arms: list[ArmAnswers]


@dataclass
class MeasureArm:
    arm: str
    label: str
    n: int
    shown: bool
    interval: stats.Interval | None


@dataclass
class MeasureResult:
    key: str
    label: str
    unit: str
    description: str
    arms: list[MeasureArm]


@dataclass
class WaveResults:
    wave: SurveyWave
    title: str
    min_group_size: int
    arms: list[ArmParticipation]
    questions: list[QuestionResult]
    measures: list[MeasureResult]

    @property
    def any_shown(self) -> bool:
        return any(arm.shown for arm in self.arms)


ANSWER_FIELDS = ("response_id", "response__arm", "question_id", "number", "choices", "text")


def _answer_rows(answers: QuerySet[Answer]) -> list[dict[str, Any]]:
    return [dict(row) for row in answers.values(*ANSWER_FIELDS)]


def _answers_of(wave: SurveyWave) -> list[dict[str, Any]]:
    return _answer_rows(Answer.objects.filter(response__wave=wave))


def _numeric_bars(question: Question, numbers: list[float]) -> list[Bar]:
    low, high = RANGES[question.kind]
    total = len(numbers)
    return [
        Bar(str(value), count, count / total if total else 0.0)
        for value in range(low, high + 1)
        for count in [sum(1 for n in numbers if n == value)]
    ]


def _choice_bars(question: Question, picks: list[list[int]]) -> list[Bar]:
    total = len(picks)
    bars = []
    for index, choice in enumerate(question.choices):
        count = sum(1 for chosen in picks if index in chosen)
        bars.append(
            Bar(
                choice_label(choice),
                count,
                count / total if total else 0.0,
                stats.wilson(count, total) if total else None,
            )
        )
    return bars


def _arm_answers(
    question: Question, arm: str, label: str, rows: list[dict[str, Any]], minimum: int, seed: int
) -> ArmAnswers:
    result = ArmAnswers(arm, label, len(rows), len(rows) >= minimum)
    if not result.shown:
        return result
    if question.kind in RANGES:
        numbers = [row["number"] for row in rows if row["number"] is not None]
        result.mean = stats.bootstrap_mean(numbers, seed=seed)
        if MEASURES.get(question.measure) and MEASURES[question.measure].scoring == "nps":
            result.nps = stats.nps(numbers, seed=seed)
        result.bars = _numeric_bars(question, numbers)
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        result.bars = _choice_bars(question, [list(row["choices"] or []) for row in rows])
    else:
        texts = sorted(row["text"] for row in rows if row["text"])
        # Sorted first, then shuffled with a fixed seed: the order says nothing about who
        # answered first, and the page and the report list them the same way.
        random.Random(f"wave-{question.pk}-{arm}").shuffle(texts)
        result.texts = texts
    return result


def _respondent_scores(
    rows: list[dict[str, Any]], questions: list[Question]
) -> dict[str, dict[str, list[float]]]:
    """measure key → arm → one score per respondent who answered every item of it."""
    items: dict[str, list[int]] = defaultdict(list)
    for question in questions:
        if question.measure in MEASURES:
            items[question.measure].append(question.pk)
    by_response: dict[int, dict[int, float]] = defaultdict(dict)
    arm_of: dict[int, str] = {}
    for row in rows:
        arm_of[row["response_id"]] = row["response__arm"]
        if row["number"] is not None:
            by_response[row["response_id"]][row["question_id"]] = row["number"]
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for response_id, numbers in by_response.items():
        for key, question_ids in items.items():
            if all(pk in numbers for pk in question_ids):
                score = MEASURES[key].score([numbers[pk] for pk in question_ids])
                if score is not None:
                    scores[key][arm_of[response_id]].append(score)
    return scores


def compute_wave_results(wave: SurveyWave) -> WaveResults:
    """The results of a wave, without the access check (``wave_results`` does it)."""
    minimum = min_group_size()
    questions = list(wave.survey.questions.order_by("position", "id"))
    rows = _answers_of(wave)
    by_question: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_question[(row["question_id"], row["response__arm"])].append(row)
    arms = participation(wave)
    shown_arms = {arm.arm for arm in arms if arm.shown}
    labels = dict(Arm.choices)
    question_results = []
    for question in questions:
        arm_results = []
        for arm, label in labels.items():
            arm_rows = by_question[(question.pk, arm)] if arm in shown_arms else []
            answers = _arm_answers(question, arm, str(label), arm_rows, minimum, wave.pk)
            if arm not in shown_arms:
                answers.shown = False
            arm_results.append(answers)
        question_results.append(QuestionResult(question, localized(question, "text"), arm_results))
    scores = _respondent_scores(rows, questions)
    present = {question.measure for question in questions if question.measure in MEASURES}
    measure_results = []
    for key, measure in MEASURES.items():
        if key not in present:
            continue
        measure_arms = []
        for arm, label in labels.items():
            values = scores.get(key, {}).get(arm, [])
            shown = arm in shown_arms and len(values) >= minimum
            interval = measure.aggregate(values, seed=wave.pk) if shown else None
            measure_arms.append(MeasureArm(arm, str(label), len(values), shown, interval))
        measure_results.append(
            MeasureResult(
                key, str(measure.label), str(measure.unit), str(measure.description), measure_arms
            )
        )
    return WaveResults(
        wave,
        localized(wave.survey, "title"),
        minimum,
        arms,
        question_results,
        measure_results,
    )


def wave_results(wave: SurveyWave, viewer: User) -> WaveResults:
    """The results of a wave for ``viewer``: the pilot's managers, and once results are
    published its beta users and pilot-community animators (``policy.require_results``)."""
    pilot = policy.access_pilot(user=viewer, pilot_id=wave.survey.pilot_id)
    policy.require_results(viewer, pilot)
    return compute_wave_results(wave)


def access_wave(*, user: User, wave_id: int) -> SurveyWave:
    """A wave of a pilot ``user`` may see, or NotFound (missing and invisible alike)."""
    from rucher.core.errors import NotFound

    try:
        wave = SurveyWave.objects.select_related("survey").get(pk=wave_id)
    except (SurveyWave.DoesNotExist, ValueError, TypeError):
        raise NotFound("survey wave") from None
    wave.survey.pilot = policy.access_pilot(user=user, pilot_id=wave.survey.pilot_id)
    return wave


# ---------------------------------------------------------------- for the evaluation


def measure_samples(pilot: Pilot, measure_key: str) -> dict[tuple[str, str], list[float]]:
    """Per-respondent scores of a measure, by (wave kind, arm), over all the pilot's surveys.

    eNPS gives the raw 0–10 answers (aggregate with ``stats.nps`` or
    ``did_unpaired(statistic="nps")``); the other measures give the respondent's score.
    A group with fewer scores than the minimum group size is an empty list. Groups with no
    wave are absent. Unknown measure: an empty dict."""
    if measure_key not in MEASURES:
        return {}
    minimum = min_group_size()
    samples: dict[tuple[str, str], list[float]] = {}
    waves = SurveyWave.objects.filter(survey__pilot=pilot).select_related("survey")
    for wave in waves:
        questions = list(wave.survey.questions.filter(measure=measure_key))
        if not questions:
            continue
        scores = _respondent_scores(
            _answer_rows(Answer.objects.filter(response__wave=wave, question__in=questions)),
            questions,
        ).get(measure_key, {})
        for arm in Arm.values:
            samples.setdefault((wave.kind, arm), []).extend(scores.get(arm, []))
    return {key: (values if len(values) >= minimum else []) for key, values in samples.items()}


def responses_count(pilot: Pilot) -> int:
    return SurveyResponse.objects.filter(wave__survey__pilot=pilot).count()


# ---------------------------------------------------------------- for respondents


def my_surveys(user: User) -> QuerySet[WaveInvitation]:
    """Open waves ``user`` was invited to and has not answered, closing soonest first."""
    now = clock.now()
    if not user.is_authenticated or not user.is_active:
        return WaveInvitation.objects.none()
    return (
        WaveInvitation.objects.filter(
            user=user, responded=False, wave__opens_at__lte=now, wave__closes_at__gt=now
        )
        .select_related("wave__survey")
        .order_by("wave__closes_at", "id")
    )


def my_answered(user: User) -> QuerySet[WaveInvitation]:
    """Waves ``user`` answered (that they did, never what), newest first."""
    return (
        WaveInvitation.objects.filter(user=user, responded=True)
        .select_related("wave__survey")
        .order_by("-wave__opens_at", "-id")
    )


def hidden_message(minimum: int) -> str:
    return _("Fewer than %(minimum)d answers: not shown, to keep answers anonymous.") % {
        "minimum": minimum
    }
