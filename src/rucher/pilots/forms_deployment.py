"""Forms of the support, lessons, library and decision-and-deployment pages.

They check shape (types, lengths, choices); the services check the rules and their messages
are put back on the fields (``core.forms.add_service_error``). Hours are text fields so that
"1,5" typed by a French speaker reaches the service, which reads it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rucher.pilots.deployment import DECIDED_BY_MAX, NOTES_MAX, RATIONALE_MAX, WAVE_NAME_MAX
from rucher.pilots.lessons import ADJUSTMENT_MAX, BODY_MAX, TITLE_MAX
from rucher.pilots.models import DecisionOutcome, LessonKind, SupportKind
from rucher.pilots.support import MAX_DESCRIPTION


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _hours_field(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class SupportEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    hours = _hours_field(_("Hours"), _("Time the project team spent, for example 1.5."))
    people_reached = forms.IntegerField(
        label=_("People reached"), min_value=0, max_value=1_000_000, required=False
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, communities: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("The whole pilot")), *communities]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "day": data["day"],
            "hours": data["hours"],
            "people_reached": data["people_reached"] or 0,
            "community_id": int(data["community"]) if data["community"] else None,
            "description": data["description"],
        }


class DeploymentLevelForm(forms.Form):
    deployment_support_hours = _hours_field(
        _("Support planned for deployment (hours per community per month)"),
        _("The level deployment will really give: the evaluation projects results to it."),
    )


class LessonForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LessonKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("What happened, and what was learned"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    in_library = forms.BooleanField(
        label=_("Put this success in the best-practice library"),
        required=False,
        help_text=_("Every employee can read the library; the community stays unnamed there."),
    )
    community_kinds = forms.MultipleChoiceField(
        label=_("Suits these kinds of community (none: every kind)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adjustment = forms.CharField(
        label=_("Adjustment for deployment"),
        max_length=ADJUSTMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Failures only: what deployment will do differently."),
    )
    wave = forms.ChoiceField(label=_("Deployment wave it changes"), required=False)

    def __init__(
        self,
        *args: Any,
        communities: list[tuple[int, str]],
        kinds: list[tuple[str, str]],
        waves: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("The whole pilot")), *communities]  # type: ignore[attr-defined]
        self.fields["community_kinds"].choices = kinds  # type: ignore[attr-defined]
        self.fields["wave"].choices = [("", _("The deployment plan as a whole")), *waves]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        success = data["kind"] == LessonKind.SUCCESS
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "community_id": int(data["community"]) if data["community"] else None,
            # Fields of the other kind are dropped rather than refused: the form shows both
            # kinds' fields, and someone who switched kind should not have to empty them.
            "in_library": data["in_library"] if success else False,
            "community_kinds": data["community_kinds"] if success else [],
            "adjustment": "" if success else data["adjustment"],
            "wave_id": int(data["wave"]) if data["wave"] and not success else None,
        }


class LibraryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of community"), required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every kind")), *kinds]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"), max_length=RATIONALE_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    decided_by = forms.CharField(
        label=_("Decided by"),
        max_length=DECIDED_BY_MAX,
        help_text=_("The body or people who decided, for example the steering committee."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())


class WaveForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=WAVE_NAME_MAX)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    support_hours = _hours_field(
        _("Support (hours per community per month)"),
        _("What this wave will really get; compare it with the pilot's level."),
    )
    org_units = forms.MultipleChoiceField(
        label=_("Org units"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    communities = forms.MultipleChoiceField(
        label=_("Communities"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        org_units: list[tuple[int, str]],
        communities: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["org_units"].choices = org_units  # type: ignore[attr-defined]
        self.fields["communities"].choices = communities  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "support_hours": data["support_hours"],
            "org_unit_ids": [int(pk) for pk in data["org_units"]],
            "community_ids": [int(pk) for pk in data["communities"]],
            "notes": data["notes"],
        }
