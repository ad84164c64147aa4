"""API: start an import (administrators) or an export, and read their reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from rucher.core.http import request_user
from rucher.exchange import services, tasks
from rucher.exchange.models import ExportRun, ImportRun

router = Router(tags=["import and export"])


class ImportOut(Schema):
    id: int
    status: str
    dry_run: bool
    trust_roles: bool
    source: str
    source_system: str
    file: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    total: int
    done: int
    counts: dict[str, dict[str, int]]
    problem_count: int
    problems: list[dict[str, Any]]
    error: str


class ExportIn(Schema):
    scope: str = "me"  # "me" (one's own data) or "organisation" (administrators)


class ExportOut(Schema):
    id: int
    scope: str
    status: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    counts: dict[str, int]
    download_url: str | None


def _import_out(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "dry_run": run.dry_run,
        "trust_roles": run.trust_roles,
        "source": run.source,
        "source_system": run.source_system,
        "file": run.path,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "total": run.total,
        "done": run.done,
        "counts": run.counts,
        "problem_count": run.problem_count,
        "problems": run.problems,
        "error": run.error,
    }


def _export_out(run: ExportRun) -> dict[str, Any]:
    done = run.status == "done" and bool(run.file)
    return {
        "id": run.pk,
        "scope": run.scope,
        "status": run.status,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "counts": run.counts,
        "download_url": reverse("exchange:export_download", args=[run.pk]) if done else None,
    }


@router.post("/imports", response={201: ImportOut}, summary="Start an import")
def imports_create(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    source: Form[str] = "",
    trust_roles: Form[bool] = False,
) -> Status[dict[str, Any]]:
    """Upload a ZIP in the exchange format (multipart, field `file`) and start importing it,
    or only checking it (`dry_run`, the default). Administrators only. Poll
    `GET /imports/{id}` for progress and the report. The people of the file get the
    roles employee or guest only, unless `trust_roles` is true."""
    run = services.import_create(
        actor=request_user(request),
        upload=file,
        filename=file.name or "",
        dry_run=dry_run,
        source=source,
        trust_roles=trust_roles,
    )
    tasks.run_import.enqueue(run.pk)
    run.refresh_from_db()
    return Status(201, _import_out(run))


@router.get("/imports/{run_id}", response=ImportOut, summary="An import's progress and report")
def imports_get(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _import_out(services.access_import(user=request_user(request), run_id=run_id))


@router.post("/exports", response={201: ExportOut}, summary="Start an export")
def exports_create(request: HttpRequest, payload: ExportIn) -> Status[dict[str, Any]]:
    """`scope: "me"` exports your own data (everyone); `"organisation"` everything
    (administrators). Poll `GET /exports/{id}`; download from `download_url` when done."""
    user = request_user(request)
    person_id = None if payload.scope == "organisation" else user.pk
    run = services.export_create(actor=user, person_id=person_id)
    tasks.run_export.enqueue(run.pk)
    run.refresh_from_db()
    return Status(201, _export_out(run))


@router.get("/exports/{run_id}", response=ExportOut, summary="An export's status")
def exports_get(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _export_out(services.access_export(user=request_user(request), run_id=run_id))
