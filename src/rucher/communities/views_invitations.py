"""Invitations: the list of mine, and the e-mailed link that also lets a partner sign up.

The link works for anonymous visitors. An unknown, used, revoked or expired token raises
``Http404``: the visitor sees the site's ordinary "page not found", nothing more.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rucher.accounts.models import User
from rucher.communities import selectors, services
from rucher.communities.forms import GuestSignupForm
from rucher.communities.models import CommunityRole, Invitation
from rucher.communities.views import error_status, int_or_none
from rucher.core.errors import Invalid, NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user

LOGIN_BACKEND = "rucher.accounts.backends.EmailBackend"


@login_required
@require_http_methods(["GET", "POST"])
def my_invitations(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        invitation_id = int_or_none(request.POST.get("invitation_id"))
        invitation = selectors.my_invitations(viewer=viewer).filter(pk=invitation_id or 0).first()
        try:
            if action not in ("accept", "refuse"):
                raise Invalid(_("Unknown action."))
            if invitation is None:
                raise NotFound(
                    "invitation", _("This invitation does not exist or is no longer open.")
                )
            if action == "accept":
                services.invitation_accept(actor=viewer, invitation_id=invitation.pk)
                messages.success(
                    request, _("Welcome to %(name)s!") % {"name": invitation.community.name}
                )
                return redirect("communities:detail", slug=invitation.community.slug)
            services.invitation_refuse(actor=viewer, invitation_id=invitation.pk)
            messages.success(request, _("You have declined the invitation."))
            return redirect("communities:my_invitations")
        except RucherError as failure:
            error, status = failure.message, error_status(failure)
    invitations = list(selectors.my_invitations(viewer=viewer))
    return render(
        request,
        "communities/my_invitations.html",
        {"invitations": invitations, "error": error},
        status=status,
    )


def _matches(user: Any, invitation: Invitation) -> bool:
    return bool(
        user.is_authenticated
        and (invitation.invitee_id == user.pk or invitation.email.lower() == user.email.lower())
    )


@require_http_methods(["GET", "POST"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: answer when logged in as the invitee; sign up as a new partner."""
    try:
        invitation = services.invitation_by_token(token)
    except NotFound:
        raise Http404 from None
    user = request.user
    logged_in = user.is_authenticated
    matches = _matches(user, invitation)
    account_exists = matches or User.objects.filter(email__iexact=invitation.email).exists()
    can_sign_up = not logged_in and not account_exists and invitation.role == CommunityRole.GUEST
    form = GuestSignupForm(request.POST if request.method == "POST" and can_sign_up else None)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if matches and action in ("accept", "refuse"):
                actor = request_user(request)
                if action == "accept":
                    services.invitation_accept(actor=actor, invitation_id=invitation.pk)
                    messages.success(
                        request, _("Welcome to %(name)s!") % {"name": invitation.community.name}
                    )
                    return redirect("communities:detail", slug=invitation.community.slug)
                services.invitation_refuse(actor=actor, invitation_id=invitation.pk)
                messages.success(request, _("You have declined the invitation."))
                return redirect("home")
            if can_sign_up and action == "signup":
                if not form.is_valid():
                    raise Invalid(_("Please correct the fields marked below."))
                data = form.cleaned_data
                try:
                    guest = services.guest_signup(
                        token=token,
                        display_name=data["display_name"],
                        password=data["password1"],
                        company=data["company"],
                    )
                except Invalid as failure:
                    if "new_password" in failure.fields:  # the password validators' verdict
                        failure.fields = {"password1": failure.fields["new_password"]}
                    raise
                login(request, guest, backend=LOGIN_BACKEND)
                messages.success(
                    request, _("Welcome to %(name)s!") % {"name": invitation.community.name}
                )
                return redirect("communities:detail", slug=invitation.community.slug)
            raise Invalid(_("Unknown action."))
        except RucherError as failure:
            status = error_status(failure)
            if can_sign_up and action == "signup":
                if failure.fields or not form.errors:
                    add_service_error(form, failure)
            else:
                error = failure.message
    context = {
        "invitation": invitation,
        "community": invitation.community,
        "logged_in": logged_in,
        "matches": matches,
        "account_exists": account_exists,
        "can_sign_up": can_sign_up,
        "form": form,
        "error": error,
    }
    return render(request, "communities/invitation_link.html", context, status=status)
