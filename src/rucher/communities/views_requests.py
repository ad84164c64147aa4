"""Creation requests: asking the ESN project team to open a community, and its review.

The requester and the project team see a request; to anyone else it does not exist (404).
Partner guests cannot ask for communities (403 on these pages).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from rucher.accounts.models import User
from rucher.accounts.policy import people_listable_by
from rucher.communities import policy, selectors, services
from rucher.communities.forms import CommentForm, CreationRequestForm, DecisionForm
from rucher.communities.models import Community, CreationRequest
from rucher.communities.views import error_status, int_or_none
from rucher.core.errors import Invalid, NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user

PAGE_SIZE = 30
TABS = {
    "open": pgettext_lazy("creation requests still in progress", "Open"),
    "approved": gettext_lazy("Approved"),
    "rejected": gettext_lazy("Rejected"),
    "withdrawn": gettext_lazy("Withdrawn"),
}


def _no_guests(viewer: User) -> None:
    if viewer.is_guest:
        raise PermissionDenied(_("Partner guests cannot ask for new communities."))


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    _no_guests(viewer)
    form = CreationRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            creation_request = services.creation_request_submit(actor=viewer, **form.cleaned_data)
        except RucherError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Your request has been sent to the project team. You will be notified here."),
            )
            return redirect("communities:creation_request", request_id=creation_request.pk)
    animator_id = int_or_none(form["animator_id"].value())
    animator = (
        people_listable_by(viewer, User.objects.filter(pk=animator_id)).first()
        if animator_id
        else None
    )
    context = {
        "form": form,
        "animator": animator,
        "can_create": services.can_create_directly(viewer),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/request_create.html", context, status=status)


@login_required
@require_GET
def creation_requests(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    _no_guests(viewer)
    tab = request.GET.get("status", "open")
    if tab not in TABS:
        tab = "open"
    requests = selectors.creation_requests_for(viewer=viewer, status=tab)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "tab": tab,
        "tabs": TABS,
        "reviewer": policy.can_review_creation_requests(viewer),
        "query_string": f"status={tab}",
    }
    return render(request, "communities/creation_requests.html", context)


def _render_request(
    request: HttpRequest,
    viewer: User,
    creation_request: CreationRequest,
    *,
    comment_form: CommentForm | None = None,
    decision_form: DecisionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    reviewer = policy.can_review_creation_requests(viewer)
    community = None
    if creation_request.community_id:
        community = (
            Community.objects.visible_to(viewer).filter(pk=creation_request.community_id).first()
        )
    context: dict[str, Any] = {
        "creation_request": creation_request,
        "thread": list(creation_request.messages.select_related("author", "author__profile")),
        "reviewer": reviewer,
        "is_requester": creation_request.requester_id == viewer.pk,
        "community": community,
        "comment_form": comment_form or CommentForm(),
        "decision_form": decision_form or DecisionForm(),
        "error": error,
    }
    return render(request, "communities/creation_request.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def creation_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = request_user(request)
    try:
        creation_request = selectors.access_creation_request(viewer=viewer, request_id=request_id)
    except NotFound:
        raise Http404 from None
    if request.method != "POST":
        return _render_request(request, viewer, creation_request)
    action = request.POST.get("action", "")
    comment_form: CommentForm | None = None
    decision_form: DecisionForm | None = None
    try:
        if action == "comment":
            comment_form = CommentForm(request.POST)
            if not comment_form.is_valid():
                raise Invalid(_("Write a message of at most 5000 characters."))
            services.creation_request_comment(
                actor=viewer, request_id=creation_request.pk, body=comment_form.cleaned_data["body"]
            )
            messages.success(request, _("Your message has been added."))
        elif action in ("approve", "reject"):
            decision_form = DecisionForm(request.POST)
            if not decision_form.is_valid():
                raise Invalid(_("At most 5000 characters."))
            decided = services.creation_request_decide(
                actor=viewer,
                request_id=creation_request.pk,
                approve=action == "approve",
                reason=decision_form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("The community has been opened; its requester is its owner.")
                if decided.community_id
                else _("The request has been rejected; the requester has been told why."),
            )
        elif action == "withdraw":
            services.creation_request_withdraw(actor=viewer, request_id=creation_request.pk)
            messages.success(request, _("Your request has been withdrawn."))
        else:
            raise Invalid(_("Unknown action."))
    except RucherError as error:
        message = error.message
        target = comment_form if comment_form is not None else decision_form
        if target is not None:
            if error.fields or not target.errors:
                add_service_error(target, error)
            message = ""
        return _render_request(
            request,
            viewer,
            creation_request,
            comment_form=comment_form,
            decision_form=decision_form,
            error=message,
            status=error_status(error),
        )
    return redirect("communities:creation_request", request_id=creation_request.pk)
