"""Moderation queues: a community's for its owners and animators, everything one moderates
(every place for administrators) at /moderation/. Reports are grouped by item; from the queue
a moderator hides or restores the item, locks its comments, or dismisses the reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rucher.content import moderation
from rucher.content.views import community_header, community_or_404
from rucher.core.errors import Forbidden, NotFound, RucherError
from rucher.core.http import request_user


@login_required
@require_GET
def queue(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    viewer = request_user(request)
    community = community_or_404(viewer, slug) if slug is not None else None
    try:
        items = moderation.moderation_queue(viewer=viewer, community=community)
        hidden = moderation.hidden_items(viewer=viewer, community=community)
    except NotFound:
        raise Http404 from None
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    context = {
        "items": items,
        "hidden": hidden,
        "community": community,
        "next": request.get_full_path(),
    }
    if community is not None:
        context.update(community_header(viewer, community))
    return render(request, "content/moderation.html", context)


@login_required
@require_POST
def report_dismiss(request: HttpRequest, report_id: int) -> HttpResponse:
    viewer = request_user(request)
    try:
        moderation.report_dismiss(
            actor=viewer, report_id=report_id, note=request.POST.get("note", "")[:1000]
        )
    except NotFound:
        raise Http404 from None
    except RucherError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The reports are dismissed."))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("content:moderation")
