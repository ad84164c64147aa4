from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rucher.core.http import request_user
from rucher.notifications import selectors
from rucher.notifications.services import notifications_mark_read

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.listing(user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.shown(user, list(page.object_list))
    return render(request, "notifications/list.html", {"page": page, "items": items})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    raw = request.POST.get("id")
    ids = [int(raw)] if raw and raw.isdigit() else None
    notifications_mark_read(actor=user, ids=ids)
    next_url = request.POST.get("next", "")
    return redirect(
        next_url
        if next_url.startswith("/") and not next_url.startswith("//")
        else "notifications:list"
    )
