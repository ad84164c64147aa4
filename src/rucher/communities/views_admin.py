"""Administration of communities: organisation-wide switches and partner guests (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rucher.accounts.models import Role, User
from rucher.accounts.services import user_deactivate
from rucher.communities import selectors, services
from rucher.communities.forms import OrganisationSettingsForm
from rucher.communities.views import error_status, int_or_none
from rucher.core.errors import NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user
from rucher.core.models import OrganisationSettings

GUESTS_PAGE_SIZE = 50


def _admins_only(viewer: User) -> None:
    if not (viewer.is_active and viewer.is_admin):
        raise PermissionDenied(_("This page is for administrators."))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    _admins_only(viewer)
    row = OrganisationSettings.current()
    initial = {
        "community_creation": row.community_creation,
        "guests_allowed": row.guests_allowed,
        "guest_access_days": row.guest_access_days,
    }
    form = OrganisationSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_settings_update(actor=viewer, **form.cleaned_data)
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The organisation settings have been saved."))
            return redirect("communities:organisation_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/organisation_settings.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def guests(request: HttpRequest) -> HttpResponse:
    """Every partner guest, their communities and access; revoking one deactivates the account,
    which ends their session on their very next request."""
    viewer = request_user(request)
    _admins_only(viewer)
    error, status = "", 200
    if request.method == "POST":
        person_id = int_or_none(request.POST.get("person_id"))
        person = User.objects.filter(pk=person_id or 0, role=Role.GUEST).first()
        try:
            if request.POST.get("action") != "revoke" or person is None:
                raise NotFound("person", _("This partner guest does not exist."))
            user_deactivate(actor=viewer, person_id=person.pk)
        except RucherError as failure:
            error, status = failure.message, error_status(failure)
        else:
            messages.success(
                request,
                _("%(name)s can no longer sign in; an open session ends on its next page.")
                % {"name": person.display_name},
            )
            return redirect("communities:guests")
    page = Paginator(selectors.guest_people(viewer=viewer), GUESTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "communities/guests.html",
        {"page": page, "error": error, "now": timezone.now()},
        status=status,
    )
