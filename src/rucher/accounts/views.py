"""Log-in, passwords, editing one's profile and photo, settings and API tokens."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rucher.accounts import selectors, services
from rucher.accounts.forms import (
    LanguagePreferenceForm,
    LocalisedPasswordResetForm,
    LoginForm,
    PhotoForm,
    ProfileForm,
    ServicePasswordChangeForm,
    ServiceSetPasswordForm,
    TokenForm,
)
from rucher.accounts.models import ApiToken, User
from rucher.core.errors import RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only; the session is flushed, so its cookie is worthless afterwards."""


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalisedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    html_email_template_name = "accounts/password_reset_email.html"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ServiceSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ServicePasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _profile_initial(user: User) -> dict[str, Any]:
    profile = user.profile
    return {
        "display_name": user.display_name,
        "job_title": profile.job_title,
        "org_unit_id": profile.org_unit_id,
        "site_id": profile.site_id,
        "manager_id": profile.manager_id,
        "phone": profile.phone,
        "languages": list(profile.languages.values_list("code", flat=True)),
        "skills": ", ".join(profile.skills.order_by("name").values_list("name", flat=True)),
        "interests": ", ".join(profile.interests.order_by("name").values_list("name", flat=True)),
        "bio": profile.bio,
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ProfileForm(request.POST or None, initial=_profile_initial(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=user, person_id=user.pk, changes=form.cleaned_data)
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("directory:person", person_id=user.pk)
    manager_id = form["manager_id"].value()
    manager = (
        User.objects.filter(pk=manager_id).first() if str(manager_id or "").isdigit() else None
    )
    context = {
        "form": form,
        "photo_form": PhotoForm(),
        "manager": manager,
        "completeness": selectors.profile_completeness(user.profile),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile_edit.html", context, status=status)


@login_required
@require_POST
def photo_upload(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.profile_photo_set(
                actor=user, person_id=user.pk, upload=form.cleaned_data["photo"]
            )
        except RucherError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your photo has been updated."))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("accounts:profile_edit")


@login_required
@require_POST
def photo_remove(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    services.profile_photo_remove(actor=user, person_id=user.pk)
    messages.success(request, _("Your photo has been removed."))
    return redirect("accounts:profile_edit")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Language preference and personal API tokens."""
    user = request_user(request)
    language_form = LanguagePreferenceForm(initial={"language": user.language})
    token_form = TokenForm()
    new_secret = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "language":
            language_form = LanguagePreferenceForm(request.POST)
            if language_form.is_valid():
                language = language_form.cleaned_data["language"]
                services.user_set_language(actor=user, language=language)
                messages.success(request, _("Your language preference has been saved."))
                response = redirect("accounts:settings")
                # The footer's switch leaves a cookie that would outrank the browser: a
                # preference for "same as my browser" must remove it.
                if language:
                    response.set_cookie(
                        settings.LANGUAGE_COOKIE_NAME,
                        language,
                        max_age=365 * 24 * 3600,
                        samesite="Lax",
                        secure=settings.LANGUAGE_COOKIE_SECURE,
                    )
                else:
                    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
                return response
            status = 400
        elif action == "create_token":
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                days = token_form.cleaned_data["expires_in_days"]
                expires = timezone.now() + datetime.timedelta(days=days) if days else None
                try:
                    _token, new_secret = services.token_create(
                        actor=user, name=token_form.cleaned_data["name"], expires_at=expires
                    )
                except RucherError as error:
                    add_service_error(token_form, error)
                    status = 400
                else:
                    token_form = TokenForm()
            else:
                status = 400
        elif action == "revoke_token":
            try:
                services.token_revoke(actor=user, token_id=int(request.POST.get("token_id", "")))
            except (RucherError, ValueError):
                messages.error(request, _("This token does not exist."))
            else:
                messages.success(request, _("The token has been revoked."))
            return redirect("accounts:settings")
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    context = {
        "language_form": language_form,
        "token_form": token_form,
        "tokens": tokens,
        "new_secret": new_secret,
        "now": timezone.now(),
    }
    return render(request, "accounts/settings.html", context, status=status)
