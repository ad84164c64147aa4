"""Forms of the survey pages. They check shape (lengths, choices, dates); services check rules.

The answer page has no Django form: its questions are data, and ``surveys.clean_answers``
checks them (the page and the API share it).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rucher.pilots.models import QuestionKind, WaveKind
from rucher.pilots.questionnaire import measure_choices
from rucher.pilots.surveys import MAX_CHOICE, MAX_CHOICES, MAX_QUESTION, MAX_TITLE


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class SurveyCreateForm(forms.Form):
    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            ("default", _("The default questionnaire (validated items, in French and English)")),
            ("blank", _("An empty survey")),
        ],
        initial="default",
        widget=forms.RadioSelect,
    )
    title_fr = forms.CharField(
        label=_("Title (French)"),
        max_length=MAX_TITLE,
        required=False,
        help_text=_("Leave empty to keep the default questionnaire's title."),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=MAX_TITLE, required=False)


class SurveyTitlesForm(forms.Form):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=MAX_TITLE)
    title_en = forms.CharField(label=_("Title (English)"), max_length=MAX_TITLE)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text_fr = forms.CharField(
        label=_("Question (French)"),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text_en = forms.CharField(
        label=_("Question (English)"),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measure = forms.ChoiceField(
        label=_("Measure it feeds"),
        required=False,
        help_text=_(
            "Leave empty for a question that is only listed. A measure fixes the kind of its "
            "questions (UMUX-Lite: agreement 1 to 7; recommendation: 0 to 10)."
        ),
    )
    choices = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        max_length=MAX_CHOICES * (2 * MAX_CHOICE + 4),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Single and multiple choice only: one answer per line, French | English, "
            "for example: Chaque jour | Every day"
        ),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [  # type: ignore[attr-defined]
            ("", _("None")),
            *measure_choices(),
        ]

    @staticmethod
    def choices_text(choices: list[dict[str, str]]) -> str:
        return "\n".join(f"{choice.get('fr', '')} | {choice.get('en', '')}" for choice in choices)

    def parsed_choices(self) -> list[dict[str, str]]:
        result = []
        for line in self.cleaned_data.get("choices", "").splitlines():
            if not line.strip():
                continue
            fr, _sep, en = line.partition("|")
            result.append({"fr": fr.strip(), "en": en.strip()})
        return result


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


class WaveDatesForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())
    reminder_days = forms.IntegerField(
        label=_("Remind after (days)"),
        min_value=0,
        max_value=60,
        initial=5,
        help_text=_(
            "Those who have not answered are reminded after this many days, and again every "
            "as many days until the wave closes. 0: no reminder."
        ),
    )

    @classmethod
    def for_wave(cls, wave: Any) -> WaveDatesForm:
        return cls(
            initial={
                "opens_at": _local(wave.opens_at),
                "closes_at": _local(wave.closes_at),
                "reminder_days": wave.reminder_days,
            }
        )


class WaveForm(WaveDatesForm):
    kind = forms.ChoiceField(label=_("Wave"), choices=WaveKind.choices)

    field_order = ["kind", "opens_at", "closes_at", "reminder_days"]
