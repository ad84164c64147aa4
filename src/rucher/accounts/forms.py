"""Forms of the account pages. They validate shape; services validate rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rucher.accounts.languages import SPOKEN_LANGUAGES
from rucher.accounts.models import Site, User
from rucher.accounts.selectors import org_unit_options
from rucher.accounts.services import set_password

LOGIN_ATTEMPTS_LIMIT = 10
LOGIN_ATTEMPTS_WINDOW = 15 * 60


class LoginForm(AuthenticationForm):
    """E-mail and password, with a cap on failed attempts per address and client."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("This e-mail address and password do not match an active account."),
        "inactive": _("This account is deactivated."),
        "too_many_attempts": _(
            "Too many failed attempts. Wait a quarter of an hour or reset your password."
        ),
    }

    def _attempts_key(self) -> str:
        email = (self.data.get("username") or "").strip().lower()
        client = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        return f"login-failures:{email}:{client}"

    def clean(self) -> dict[str, Any]:
        key = self._attempts_key()
        if cache.get(key, 0) >= LOGIN_ATTEMPTS_LIMIT:
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        try:
            return super().clean()
        except forms.ValidationError:
            cache.set(key, cache.get(key, 0) + 1, LOGIN_ATTEMPTS_WINDOW)
            raise


class ServicePasswordChangeForm(PasswordChangeForm):
    """Django's form for the checks; the service for the write and its event."""

    def save(self, commit: bool = True) -> User:
        set_password(
            user=self.user,
            new_password=self.cleaned_data["new_password1"],
            verb="user.password_changed",
        )
        return self.user


class LocalisedPasswordResetForm(PasswordResetForm):
    """The message goes out in the recipient's chosen language, else in the page's."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        context = kwargs.get("context") or args[2]
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(*args, **kwargs)


class ServiceSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> User:
        set_password(
            user=self.user,
            new_password=self.cleaned_data["new_password1"],
            verb="user.password_reset",
        )
        return self.user


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=120)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    org_unit_id = forms.TypedChoiceField(
        label=_("Org unit"), required=False, coerce=int, empty_value=None
    )
    site_id = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    manager_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.CharField(
        label=_("Skills and expertise"),
        required=False,
        max_length=2000,
        help_text=_("Separate them with commas, for example: Python, project management."),
    )
    interests = forms.CharField(
        label=_("Interests"),
        required=False,
        max_length=2000,
        help_text=_("Separate them with commas."),
    )
    bio = forms.CharField(
        label=_("Short bio"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = org_unit_options()
        self.fields["org_unit_id"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (unit.pk, "— " * unit.depth + unit.name) for unit in units
        ]
        self.fields["site_id"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (site.pk, site.name) for site in Site.objects.order_by("name")
        ]


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("New photo"),
        help_text=_("JPEG, PNG, WebP or GIF, at most %(size)d MB.")
        % {"size": settings.PROFILE_PHOTO_MAX_BYTES // 1_048_576},
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )


class LanguagePreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        required=False,
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What will use it, for example “Reporting script”."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Leave empty for a token that does not expire."),
    )
