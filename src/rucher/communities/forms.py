"""Forms of the community pages. They check shape (lengths, dates, choices); services check rules.

Every text field has a ``max_length`` so that a huge paste is a form error, never a 500.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import CommunityKind, CommunityRole, Visibility
from rucher.communities.services import RESERVED_SLUGS
from rucher.core.models import OrganisationSettings

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` in the organisation's time zone: "access until 30 June"."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def kind_choices(*, with_default_visibility: bool = False) -> list[tuple[str, str]]:
    kinds = CommunityKind.objects.order_by("position", "code")
    if not with_default_visibility:
        return [(kind.code, kind.name) for kind in kinds]
    labels = dict(Visibility.choices)
    return [
        (
            kind.code,
            _("%(kind)s — %(visibility)s by default")
            % {"kind": kind.name, "visibility": str(labels[kind.default_visibility]).lower()},
        )
        for kind in kinds
    ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _clean_slug(value: str) -> str:
    value = (value or "").strip()
    if value and slugify(value) in RESERVED_SLUGS:
        raise forms.ValidationError(
            _("This address is used by Rucher's own pages; choose another one.")
        )
    return value


TAGS_HELP = _("Separate them with commas, for example: maintenance, safety.")


class CommunityCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"))
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        required=False,
        help_text=_(
            "Open: everyone reads and joins. Private: everyone sees it exists, members read it. "
            "Secret: only members know it exists."
        ),
    )
    slug = forms.CharField(
        label=_("Address"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to make it from the name."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Leave empty to start from the template of the kind."),
    )
    tags = forms.CharField(label=_("Tags"), max_length=1000, required=False, help_text=TAGS_HELP)
    allows_guests = forms.BooleanField(label=_("Partner guests may be invited"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(  # type: ignore[attr-defined]
            with_default_visibility=True
        )
        self.fields["visibility"].choices = [  # type: ignore[attr-defined]
            ("", _("The kind's default")),
            *Visibility.choices,
        ]

    def clean_slug(self) -> str:
        return _clean_slug(self.cleaned_data.get("slug", ""))


class CommunitySettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=_("Address"),
        max_length=100,
        help_text=_("The last part of the community's web address. Old links stop working."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    charter = forms.CharField(
        label=_("Charter"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The rules of the community, shown to its members."),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    tags = forms.CharField(label=_("Tags"), max_length=1000, required=False, help_text=TAGS_HELP)
    allows_guests = forms.BooleanField(label=_("Partner guests may be invited"), required=False)
    avatar = forms.FileField(
        label=_("New avatar"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove the avatar"), required=False)
    banner = forms.FileField(
        label=_("New banner"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    remove_banner = forms.BooleanField(label=_("Remove the banner"), required=False)

    TEXT_FIELDS = ("name", "slug", "description", "charter", "visibility", "tags", "allows_guests")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = settings.PROFILE_PHOTO_MAX_BYTES // 1_048_576
        self.fields["avatar"].help_text = _(
            "Square, shown small. JPEG, PNG, WebP or GIF, at most %(size)d MB."
        ) % {"size": limit}
        self.fields["banner"].help_text = _(
            "Wide (about 1500 × 400 pixels). JPEG, PNG, WebP or GIF, at most %(size)d MB."
        ) % {"size": limit}

    def clean_slug(self) -> str:
        return _clean_slug(self.cleaned_data.get("slug", ""))

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.TEXT_FIELDS}


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the animators"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: say who you are and why you would like to join."),
    )


class InviteForm(forms.Form):
    invitee_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Or an e-mail address"),
        max_length=254,
        required=False,
        help_text=_("A colleague's address, or a partner's address if partner guests are allowed."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (CommunityRole.MEMBER, CommunityRole.MEMBER.label),
            (CommunityRole.ANIMATOR, CommunityRole.ANIMATOR.label),
        ],
        initial=CommunityRole.MEMBER,
        required=False,
        help_text=_("Partners always join as guests."),
    )
    access_until = forms.DateField(
        label=_("Partner access until"),
        required=False,
        widget=DateInput(),
        help_text=_("For a partner guest. Leave empty for the organisation's default."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("invitee_id") and not data.get("email") and not self.errors:
            raise forms.ValidationError(_("Choose a colleague or enter an e-mail address."))
        return data


class GuestExtendForm(forms.Form):
    until = forms.DateField(label=_("Access until"), widget=DateInput())


class CreationRequestForm(forms.Form):
    name = forms.CharField(label=_("Name of the community"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the community is for, and what it will change."),
    )
    intended_members = forms.CharField(
        label=_("Intended members"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who should join: teams, roles, names, how many people."),
    )
    animator_id = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the animator in the list.")},
    )
    expected_activity = forms.CharField(
        label=_("Expected activity"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What will happen there, and how often: questions, news, meetings…"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(  # type: ignore[attr-defined]
            with_default_visibility=True
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason or note for the requester"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject a request."),
    )


class GuestSignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    company = forms.CharField(
        label=_("Company"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return data


class OrganisationSettingsForm(forms.Form):
    community_creation = forms.ChoiceField(
        label=_("Opening of communities"),
        choices=OrganisationSettings.CommunityCreation.choices,
        widget=forms.RadioSelect,
    )
    guests_allowed = forms.BooleanField(
        label=_("Partner guests may be invited into communities"), required=False
    )
    guest_access_days = forms.IntegerField(
        label=_("Default guest access (days)"),
        min_value=1,
        max_value=3650,
        help_text=_("How long a partner's access lasts unless the inviter chooses a date."),
    )
