"""Forms of the programme pages. They check shape (lengths, dates, choices); the services
check the rules (overlaps, KPIs that cannot be measured...). Every text field has a
``max_length`` so that a huge paste is a form error, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.communities.forms import DateInput
from rucher.pilots import selectors
from rucher.pilots.models import Direction, MeasureKind, SelectionReason
from rucher.pilots.services import (
    DESCRIPTION_MAX,
    DETAIL_MAX,
    NAME_MAX,
    PURPOSE_MAX,
    TITLE_MAX,
)


class PilotForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=PURPOSE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the organisation wants to learn from this pilot, in a few lines."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(
        label=_("End date"),
        widget=DateInput(),
        help_text=_("Pilots usually last 3 to 6 months."),
    )
    deployment_support_hours = forms.DecimalField(
        label=_("Support planned for deployment"),
        min_value=0,
        max_value=10000,
        decimal_places=2,
        initial=2,
        localize=True,
        help_text=_(
            "Hours of support per community per month that deployment will give. The "
            "evaluation reads its projections at this level."
        ),
    )
    sponsor_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The pilot must end after it starts."))
        return data


class PilotCommunityForm(forms.Form):
    community_id = forms.TypedChoiceField(label=_("Community"), coerce=int, choices=())
    reason = forms.ChoiceField(label=_("Why it was chosen"), choices=SelectionReason.choices)
    reason_detail = forms.CharField(
        label=_("Details"),
        max_length=DETAIL_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “Other”. The evaluation reports these reasons."),
    )

    def __init__(self, *args: Any, communities: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["community_id"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a community")), *communities]


class ComparisonForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Compare with"),
        choices=(),
        help_text=_("A community outside the pilot, or an org unit none of the beta users is in."),
    )

    def __init__(
        self,
        *args: Any,
        communities: list[tuple[int, str]],
        units: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose a community or an org unit")),
            (_("Communities"), [(f"c{pk}", name) for pk, name in communities]),
            (_("Org units"), [(f"u{pk}", name) for pk, name in units]),
        ]

    def target_ids(self) -> tuple[int | None, int | None]:
        """(community id, org unit id) of the chosen target."""
        value = self.cleaned_data["target"]
        number = int(value[1:])
        return (number, None) if value.startswith("c") else (None, number)


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _window_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("The KPI's usual window")),
        ("1", _("1 day")),
        ("7", _("7 days")),
        ("28", _("28 days")),
    ]


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Measured by"), choices=MeasureKind.choices, widget=forms.RadioSelect
    )
    kpi_key = forms.ChoiceField(label=_("Activity KPI"), required=False, choices=())
    kpi_window = forms.ChoiceField(
        label=_("Window"),
        required=False,
        choices=(),
        help_text=_("Only reach, contributors and contributor rate offer 1, 7 and 28 days."),
    )
    survey_measure = forms.ChoiceField(label=_("Survey measure"), required=False, choices=())
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.UP
    )
    target_value = forms.DecimalField(
        label=_("Target"),
        localize=True,
        max_digits=12,
        decimal_places=4,
        help_text=_("For a share, in percent (40 for 40 %)."),
    )
    target_date = forms.DateField(label=_("By"), widget=DateInput())
    baseline_start = forms.DateField(label=_("Baseline from"), required=False, widget=DateInput())
    baseline_end = forms.DateField(
        label=_("Baseline to"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave both empty for the 8 weeks before the start."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._set_choices("kpi_key", [("", _("Choose a KPI")), *selectors.kpi_choices()])
        self._set_choices("kpi_window", _window_choices())
        surveys = [(key, str(m.label)) for key, m in selectors.survey_measures().items()]
        self._set_choices("survey_measure", [("", _("Choose a survey measure")), *surveys])
        if not surveys:
            self.fields["kind"].choices = [(MeasureKind.KPI, MeasureKind.KPI.label)]  # type: ignore[attr-defined]

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == MeasureKind.KPI and not data.get("kpi_key"):
            self.add_error("kpi_key", _("Choose a KPI."))
        if kind == MeasureKind.SURVEY and not data.get("survey_measure"):
            self.add_error("survey_measure", _("Choose a survey measure."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The measure_add arguments; shares typed in percent become fractions."""
        data = self.cleaned_data
        kind = data["kind"]
        target = float(data["target_value"])
        if kind == MeasureKind.KPI:
            spec = selectors.kpi_spec(data["kpi_key"])
            if spec is not None and spec.unit == "ratio":
                target /= 100
        return {
            "kind": kind,
            "kpi_key": data["kpi_key"] if kind == MeasureKind.KPI else "",
            "kpi_window": int(data["kpi_window"]) if data.get("kpi_window") else None,
            "survey_measure": data["survey_measure"] if kind == MeasureKind.SURVEY else "",
            "direction": data["direction"],
            "target_value": target,
            "target_date": data["target_date"],
            "baseline_start": data.get("baseline_start"),
            "baseline_end": data.get("baseline_end"),
        }


class TargetForm(forms.Form):
    """Changing a measure's target and date."""

    target_value = forms.DecimalField(
        label=_("Target"), localize=True, max_digits=12, decimal_places=4
    )
    target_date = forms.DateField(label=_("By"), widget=DateInput())
