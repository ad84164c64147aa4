"""Pages: imports and the whole-organisation export (administrators), "my data" (everyone)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.http import request_user
from rucher.exchange import services, tasks
from rucher.exchange.models import ExportRun, ImportRun, RunStatus


def _admin_only(request: HttpRequest) -> None:
    user = request_user(request)
    if not user.is_admin:
        raise PermissionDenied(_("Only administrators import and export the organisation's data."))


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    user = request_user(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            run = services.import_create(
                actor=user,
                upload=upload,
                filename=(upload.name or "") if upload is not None else "",
                dry_run=request.POST.get("mode") != "import",
                source=request.POST.get("source", ""),
                trust_roles=request.POST.get("trust_roles") == "on",
            )
        except Invalid as invalid:
            error = invalid.message
        else:
            tasks.run_import.enqueue(run.pk)
            return redirect("exchange:import_detail", run.pk)
    runs = ImportRun.objects.select_related("created_by")[:50]
    # What was typed comes back with the error (the file itself cannot).
    typed = {
        "source": request.POST.get("source", ""),
        "trust_roles": request.POST.get("trust_roles") == "on",
    }
    return render(request, "exchange/imports.html", {"runs": runs, "error": error, "typed": typed})


def _import_run(request: HttpRequest, run_id: int) -> ImportRun:
    try:
        return services.access_import(user=request_user(request), run_id=run_id)
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _import_run(request, run_id)
    return render(request, "exchange/import_detail.html", {"run": run})


@login_required
@require_GET
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress and report fragment the page polls with htmx while the run goes on."""
    run = _import_run(request, run_id)
    return render(request, "exchange/_import_report.html", {"run": run})


@login_required
@require_POST
def import_resume(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _import_run(request, run_id)
    if run.status in (RunStatus.INTERRUPTED, RunStatus.PENDING):
        tasks.run_import.enqueue(run.pk)
        messages.success(request, _("The import continues where it stopped."))
    return redirect("exchange:import_detail", run.pk)


@login_required
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    user = request_user(request)
    if request.method == "POST":
        run = services.export_create(actor=user)
        tasks.run_export.enqueue(run.pk)
        messages.success(request, _("The export is being prepared."))
        return redirect("exchange:exports")
    runs = ExportRun.objects.filter(scope=ExportRun.Scope.ORGANISATION)[:50]
    return render(request, "exchange/exports.html", {"runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        run = services.export_create(actor=user, person_id=user.pk)
        tasks.run_export.enqueue(run.pk)
        messages.success(request, _("Your data is being prepared."))
        return redirect("exchange:my_data")
    runs = ExportRun.objects.filter(created_by=user, person=user)[:20]
    return render(request, "exchange/my_data.html", {"runs": runs})


@login_required
@require_GET
def export_download(request: HttpRequest, run_id: int) -> FileResponse:
    try:
        run = services.access_export(user=request_user(request), run_id=run_id)
    except NotFound:
        raise Http404 from None
    if run.status != RunStatus.DONE or not run.file:
        raise Http404
    response = FileResponse(
        run.file.open("rb"), as_attachment=True, filename=f"rucher-export-{run.pk}.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
