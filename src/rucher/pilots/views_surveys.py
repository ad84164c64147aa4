"""Survey pages: the pilot's "Surveys" tab (surveys, the questionnaire editor, waves, results)
for its managers; the answer page and "my surveys" for the people invited.

Access: the tab and its pages go through ``policy.access_pilot`` (404 for a pilot one may
not see) then ``require_manage`` (403); results through ``require_results``. The answer page
goes through the invitation only (``surveys.invitation_for``): a person of the comparison
group answers without seeing the pilot, and a wave one was not invited to is a 404.

A refused POST re-renders the page with the reason and what was typed (400 for refused
input or a conflict, 403, 404); a successful one redirects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rucher.accounts.models import User
from rucher.core.errors import NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user
from rucher.pilots import policy, surveys
from rucher.pilots.context import pilot_context
from rucher.pilots.forms_surveys import (
    QuestionForm,
    SurveyCreateForm,
    SurveyTitlesForm,
    WaveDatesForm,
    WaveForm,
)
from rucher.pilots.models import Pilot, Question, QuestionKind, Survey, SurveyWave
from rucher.pilots.questionnaire import MEASURES, RANGES
from rucher.pilots.survey_results import (
    choice_label,
    compute_wave_results,
    hidden_message,
    localized,
    min_group_size,
    my_answered,
    participation,
    survey_overview,
    wave_state,
)
from rucher.pilots.views_common import managed_or_403, pilot_or_404, status_of


def _survey_of(pilot: Pilot, survey_id: int) -> Survey:
    survey = Survey.objects.filter(pilot=pilot, pk=survey_id).first()
    if survey is None:
        raise Http404
    survey.pilot = pilot
    return survey


def _wave_of(pilot: Pilot, wave_id: int) -> SurveyWave:
    wave = SurveyWave.objects.select_related("survey").filter(survey__pilot=pilot, pk=wave_id)
    found = wave.first()
    if found is None:
        raise Http404
    found.survey.pilot = pilot
    return found


def _int(raw: object) -> int | None:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


def _page(
    request: HttpRequest, template: str, pilot: Pilot, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    full = {**pilot_context(request_user(request), pilot, "surveys"), **context}
    return render(request, template, full, status=status)


# ---------------------------------------------------------------- the tab


@login_required
@require_http_methods(["GET", "POST"])
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    form = SurveyCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = surveys.survey_create(
                actor=viewer,
                pilot_id=pilot.pk,
                default=data["start"] == "default",
                title_fr=data["title_fr"],
                title_en=data["title_en"],
            )
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("The survey is ready: review its questions, then plan its waves.")
            )
            return redirect("pilots:survey_edit", slug=pilot.slug, survey_id=survey.pk)
    return _page(
        request,
        "pilots/surveys.html",
        pilot,
        {"overview": survey_overview(pilot), "form": form, "min_group_size": min_group_size()},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- the editor


def _question_rows(survey: Survey) -> list[dict[str, Any]]:
    questions = list(survey.questions.order_by("position", "id"))
    answered = set(
        Question.objects.filter(pk__in=[q.pk for q in questions], answers__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    return [
        {
            "question": question,
            "measure": MEASURES.get(question.measure),
            "answered": question.pk in answered,
            "first": index == 0,
            "last": index == len(questions) - 1,
        }
        for index, question in enumerate(questions)
    ]


def _render_editor(
    request: HttpRequest,
    pilot: Pilot,
    survey: Survey,
    *,
    titles: SurveyTitlesForm | None = None,
    question_form: QuestionForm | None = None,
    wave_form: WaveForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return _page(
        request,
        "pilots/survey_edit.html",
        pilot,
        {
            "survey": survey,
            "title": localized(survey, "title"),
            "titles": titles
            or SurveyTitlesForm(initial={"title_fr": survey.title_fr, "title_en": survey.title_en}),
            "question_form": question_form
            or QuestionForm(initial={"kind": QuestionKind.LIKERT7, "required": True}),
            "wave_form": wave_form or WaveForm(initial={"reminder_days": 5}),
            "rows": _question_rows(survey),
            "waves": [
                {"wave": wave, "state": wave_state(wave), "arms": participation(wave)}
                for wave in survey.waves.order_by("opens_at", "id")
            ],
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, slug: str, survey_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    survey = _survey_of(pilot, survey_id)
    if request.method == "GET":
        return _render_editor(request, pilot, survey)
    action = request.POST.get("action", "")
    handlers: dict[str, Callable[..., HttpResponse]] = {
        "titles": _edit_titles,
        "add_question": _add_question,
        "delete_question": _delete_question,
        "move_question": _move_question,
        "add_wave": _add_wave,
        "delete_survey": _delete_survey,
    }
    handler = handlers.get(action)
    if handler is None:
        return _render_editor(request, pilot, survey, error=_("Unknown action."), status=400)
    return handler(request, viewer, pilot, survey)


def _back(pilot: Pilot, survey: Survey, anchor: str = "") -> HttpResponse:
    response = redirect("pilots:survey_edit", slug=pilot.slug, survey_id=survey.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _edit_titles(request: HttpRequest, viewer: User, pilot: Pilot, survey: Survey) -> HttpResponse:
    form = SurveyTitlesForm(request.POST)
    if form.is_valid():
        try:
            surveys.survey_update(actor=viewer, survey_id=survey.pk, **form.cleaned_data)
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Titles saved."))
            return _back(pilot, survey)
    return _render_editor(request, pilot, survey, titles=form, status=400)


def _add_question(request: HttpRequest, viewer: User, pilot: Pilot, survey: Survey) -> HttpResponse:
    form = QuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            question = surveys.question_create(
                actor=viewer,
                survey_id=survey.pk,
                kind=data["kind"],
                text_fr=data["text_fr"],
                text_en=data["text_en"],
                measure=data["measure"],
                choices=form.parsed_choices(),
                required=data["required"],
            )
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Question added."))
            return _back(pilot, survey, f"question-{question.pk}")
    return _render_editor(request, pilot, survey, question_form=form, status=400)


def _act_on_question(
    request: HttpRequest, pilot: Pilot, survey: Survey, action: Callable[[int], object], done: str
) -> HttpResponse:
    question_id = _int(request.POST.get("question"))
    if question_id is None or not survey.questions.filter(pk=question_id).exists():
        return _render_editor(
            request, pilot, survey, error=_("This question no longer exists."), status=404
        )
    try:
        action(question_id)
    except RucherError as error:
        return _render_editor(request, pilot, survey, error=error.message, status=status_of(error))
    if done:
        messages.success(request, done)
    return _back(pilot, survey, "questions")


def _delete_question(
    request: HttpRequest, viewer: User, pilot: Pilot, survey: Survey
) -> HttpResponse:
    return _act_on_question(
        request,
        pilot,
        survey,
        lambda pk: surveys.question_delete(actor=viewer, question_id=pk),
        _("Question deleted."),
    )


def _move_question(
    request: HttpRequest, viewer: User, pilot: Pilot, survey: Survey
) -> HttpResponse:
    offset = -1 if request.POST.get("direction") == "up" else 1
    return _act_on_question(
        request,
        pilot,
        survey,
        lambda pk: surveys.question_move(actor=viewer, question_id=pk, offset=offset),
        "",
    )


def _add_wave(request: HttpRequest, viewer: User, pilot: Pilot, survey: Survey) -> HttpResponse:
    form = WaveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            wave = surveys.wave_create(
                actor=viewer,
                survey_id=survey.pk,
                kind=data["kind"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                reminder_days=data["reminder_days"],
            )
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Wave planned. Send the invitations once it is open."))
            return redirect("pilots:survey_wave", slug=pilot.slug, wave_id=wave.pk)
    return _render_editor(request, pilot, survey, wave_form=form, status=400)


def _delete_survey(
    request: HttpRequest, viewer: User, pilot: Pilot, survey: Survey
) -> HttpResponse:
    try:
        surveys.survey_delete(actor=viewer, survey_id=survey.pk)
    except RucherError as error:
        return _render_editor(request, pilot, survey, error=error.message, status=status_of(error))
    messages.success(request, _("Survey deleted."))
    return redirect("pilots:surveys", slug=pilot.slug)


# ---------------------------------------------------------------- one question


@login_required
@require_http_methods(["GET", "POST"])
def survey_question(
    request: HttpRequest, slug: str, survey_id: int, question_id: int
) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    survey = _survey_of(pilot, survey_id)
    question = survey.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    answered = question.answers.exists()
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                surveys.question_update(
                    actor=viewer,
                    question_id=question.pk,
                    kind=data["kind"],
                    text_fr=data["text_fr"],
                    text_en=data["text_en"],
                    measure=data["measure"],
                    choices=form.parsed_choices(),
                    required=data["required"],
                )
            except RucherError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Question saved."))
                return _back(pilot, survey, f"question-{question.pk}")
        status = 400
    else:
        form = QuestionForm(
            initial={
                "kind": question.kind,
                "text_fr": question.text_fr,
                "text_en": question.text_en,
                "measure": question.measure,
                "choices": QuestionForm.choices_text(question.choices),
                "required": question.required,
            }
        )
        status = 200
    return _page(
        request,
        "pilots/survey_question.html",
        pilot,
        {"survey": survey, "question": question, "form": form, "answered": answered},
        status=status,
    )


# ---------------------------------------------------------------- a wave


@login_required
@require_http_methods(["GET", "POST"])
def survey_wave(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    wave = _wave_of(pilot, wave_id)
    form = WaveDatesForm.for_wave(wave)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "update":
            form = WaveDatesForm(request.POST)
        try:
            if action == "send":
                count = surveys.wave_send(actor=viewer, wave_id=wave.pk)
                messages.success(
                    request,
                    _("%(count)d people invited.") % {"count": count}
                    if count
                    else _("Everyone was already invited: nobody new to invite."),
                )
                return redirect("pilots:survey_wave", slug=pilot.slug, wave_id=wave.pk)
            if action == "delete":
                surveys.wave_delete(actor=viewer, wave_id=wave.pk)
                messages.success(request, _("Wave deleted."))
                return redirect("pilots:survey_edit", slug=pilot.slug, survey_id=wave.survey_id)
            if action == "update" and form.is_valid():
                surveys.wave_update(actor=viewer, wave_id=wave.pk, **form.cleaned_data)
                messages.success(request, _("Wave saved."))
                return redirect("pilots:survey_wave", slug=pilot.slug, wave_id=wave.pk)
            if action != "update":
                error = _("Unknown action.")
            status = 400
        except RucherError as problem:
            status = status_of(problem)
            if action == "update":
                add_service_error(form, problem)
            else:
                error = problem.message
    return _page(
        request,
        "pilots/survey_wave.html",
        pilot,
        {
            "wave": wave,
            "survey": wave.survey,
            "title": localized(wave.survey, "title"),
            "state": wave_state(wave),
            "arms": participation(wave),
            "form": form,
            "error": error,
            "min_group_size": min_group_size(),
        },
        status=status,
    )


# ---------------------------------------------------------------- results


@login_required
@require_GET
def survey_results(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if not policy.can_see_results(viewer, pilot):
        raise PermissionDenied(_("The results of this pilot are not published yet."))
    wave = _wave_of(pilot, wave_id)
    results = compute_wave_results(wave)
    context = {
        **pilot_context(
            viewer, pilot, "surveys" if policy.can_manage(viewer, pilot) else "evaluation"
        )
    }
    context.update(
        {
            "results": results,
            "hidden_text": hidden_message(results.min_group_size),
            "state": wave_state(wave),
        }
    )
    return render(request, "pilots/survey_results.html", context)


# ---------------------------------------------------------------- respondents


@login_required
@require_GET
def my_surveys(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    open_ones = [
        {"invitation": invitation, "title": localized(invitation.wave.survey, "title")}
        for invitation in surveys.my_surveys(viewer)
    ]
    answered = [
        {"invitation": invitation, "title": localized(invitation.wave.survey, "title")}
        for invitation in my_answered(viewer)[:20]
    ]
    return render(
        request, "pilots/survey_mine.html", {"open_ones": open_ones, "answered": answered}
    )


def _scale_ends(kind: str) -> tuple[str, str] | None:
    """The words at both ends of a numeric scale, so that "1" and "7" mean something."""
    if kind in (QuestionKind.LIKERT5, QuestionKind.LIKERT7):
        return _("Strongly disagree"), _("Strongly agree")
    if kind == QuestionKind.SCALE10:
        return _("Not at all likely"), _("Extremely likely")
    return None


def _answer_items(
    questions: list[Question], values: dict[str, Any], problems: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """What the answer page needs per question: its text, its options, what was typed."""
    items = []
    for number, question in enumerate(questions, start=1):
        key = str(question.pk)
        given = values.get(key)
        options: list[dict[str, Any]] = []
        if question.kind in RANGES:
            low, high = RANGES[question.kind]
            options = [{"value": str(v), "label": str(v)} for v in range(low, high + 1)]
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = [
                {"value": str(i), "label": choice_label(choice)}
                for i, choice in enumerate(question.choices)
            ]
        chosen = given if isinstance(given, list) else ([given] if given not in (None, "") else [])
        for option in options:
            option["checked"] = option["value"] in chosen
        items.append(
            {
                "question": question,
                "number": number,
                "ends": _scale_ends(question.kind),
                "text": localized(question, "text"),
                "options": options,
                "value": given if isinstance(given, str) else "",
                "errors": problems.get(key, []),
            }
        )
    return items


def _posted_answers(request: HttpRequest, questions: list[Question]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            values[str(question.pk)] = request.POST.getlist(name)
        else:
            values[str(question.pk)] = request.POST.get(name, "")
    return values


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, wave_id: int) -> HttpResponse:
    viewer = request_user(request)
    try:
        invitation = surveys.invitation_for(user=viewer, wave_id=wave_id)
    except NotFound:
        raise Http404 from None
    wave = invitation.wave
    questions = list(wave.survey.questions.order_by("position", "id"))
    values: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    error, status = "", 200
    if request.method == "POST":
        values = _posted_answers(request, questions)
        try:
            surveys.response_submit(user=viewer, wave_id=wave.pk, answers=values)
        except RucherError as problem:
            problems, error, status = problem.fields, problem.message, status_of(problem)
            invitation.refresh_from_db()
        else:
            messages.success(request, _("Thank you! Your answers were recorded anonymously."))
            return redirect("pilots:survey_answer", wave_id=wave.pk)
    state = wave_state(wave)
    context = {
        "wave": wave,
        "invitation": invitation,
        "title": localized(wave.survey, "title"),
        "state": state,
        "answerable": not invitation.responded and state == "open",
        "items": _answer_items(questions, values, problems),
        "error": error,
        "error_count": len([q for q in questions if str(q.pk) in problems]),
        "min_group_size": min_group_size(),
    }
    return render(request, "pilots/survey_answer.html", context, status=status)
