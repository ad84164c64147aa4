"""Imports and exports in the open exchange format, and what each import brought in.

``ImportedRecord`` maps *(source, kind, original id)* to the local row: it makes an import
idempotent (a record already mapped is not written again) and lets a later export of the same
source add only what is new. ``ImportRun`` is the report kept in the application and the
resumable position of a run; ``ExportRun`` a requested export and its file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    INTERRUPTED = "interrupted", _("Interrupted")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    path = models.CharField(_("file"), max_length=500)
    # Where an uploaded archive is kept in the storage while the run needs it.
    stored_name = models.CharField(max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_system = models.CharField(_("source system"), max_length=20, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # Without it a file cannot make administrators or project-team members: the roles it gives
    # people are limited to employee and guest (docs/exchange-format.md, "people").
    trust_roles = models.BooleanField(_("roles from the file trusted"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    total = models.PositiveIntegerField(_("records announced"), default=0)
    done = models.PositiveIntegerField(_("records read"), default=0)
    # {"posts": {"created": 3, "matched": 0, "unchanged": 1, "skipped": 2}, ...}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"file": "posts.jsonl", "line": 12, "id": "p1", "message": "..."}, ...] (capped)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # {"file": "posts.jsonl", "line": 1200}: everything up to there is written.
    position = models.JSONField(_("position"), default=dict, blank=True)
    # Small state carried between batches (managers to link at the end of people.jsonl).
    state = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} {self.source} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ImportedRecord(models.Model):
    source = models.CharField(max_length=100)
    kind = models.CharField(max_length=32)
    original_id = models.CharField(max_length=200)
    local_id = models.BigIntegerField()
    # Not indexed: nothing looks records up by run (an import reads the run of a record it
    # found by its key), and the index was a fifth of the cost of writing this table, once
    # per imported record. Deleting a run (rare) scans the table to clear it.
    run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "original_id"], name="unique_imported_record"
            )
        ]
        indexes = [models.Index(fields=["kind", "local_id"])]

    def __str__(self) -> str:
        return f"{self.source}/{self.kind}/{self.original_id} → {self.local_id}"


class ExportRun(models.Model):
    class Scope(models.TextChoices):
        ORGANISATION = "organisation", _("Whole organisation")
        PERSON = "person", _("One person's data")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.pk} {self.scope} ({self.status})"
