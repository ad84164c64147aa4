"""Starting imports and exports, and who may see them.

Only administrators import and export the whole organisation; every person may export their
own data (GDPR portability) and see only their own exports.
"""

from __future__ import annotations

import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.core import events
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.files import local_copy, store_local_file
from rucher.core.progress import NullProgress, Progress
from rucher.exchange.archive import Archive, ArchiveError, max_archive_bytes
from rucher.exchange.history import reach_back
from rucher.exchange.models import ExportRun, ImportRun, RunStatus

SOURCE_MAX = 100


def _require_admin(actor: User) -> None:
    if not (actor.is_active and actor.is_admin):
        raise Forbidden(_("Only administrators import and export the organisation's data."))


def import_create(
    *,
    actor: User | None,
    path: str = "",
    upload: IO[bytes] | None = None,
    filename: str = "",
    dry_run: bool = False,
    source: str = "",
    trust_roles: bool = False,
) -> ImportRun:
    """Record an import of a file on the server (``path``) or an uploaded one.

    ``trust_roles``: the roles of the file's people are given as they are, administrator and
    project team included; otherwise only employee and guest (anything else is imported as
    employee and reported)."""
    if actor is not None:
        _require_admin(actor)
    source = (source or "").strip()
    if len(source) > SOURCE_MAX:
        raise Invalid(_("At most %d characters.") % SOURCE_MAX, fields={"source": [_("Too long.")]})
    stored = ""
    if upload is not None:
        size = getattr(upload, "size", None)
        if size is not None and size > max_archive_bytes():
            message = _("The file is over the size limit.")
            raise Invalid(message, fields={"file": [message]})
        # In the storage, not on this host's disk: the worker that reads it may run elsewhere.
        stored = default_storage.save(f"imports/{uuid.uuid4().hex}.zip", File(upload))
        path = stored
    if not path:
        message = _("Choose a file.")
        raise Invalid(message, fields={"file": [message]})
    run = ImportRun.objects.create(
        created_by=actor,
        path=filename or str(path),
        stored_name=stored,
        source=source,
        dry_run=dry_run,
        trust_roles=trust_roles,
    )
    if not stored:
        run.state = {"path": str(path)}
        run.save(update_fields=["state"])
    if not dry_run:  # a dry run changes nothing, not even the log
        events.record(
            actor=actor,
            verb="import.started",
            target=run,
            payload={"source": source, "trust_roles": trust_roles},
        )
    return run


def _open_archive(run: ImportRun, stack: ExitStack) -> Archive:
    """The run's archive, open until ``stack`` closes: an upload is read from a temporary
    copy of the stored file, a file named on the command line where it is."""
    if run.stored_name:
        try:
            path = stack.enter_context(local_copy(run.stored_name))
        except FileNotFoundError:
            raise ArchiveError(f"{run.path}: the uploaded file is no longer stored") from None
    else:
        path = Path(run.state.get("path") or run.path)
    return stack.enter_context(Archive(path))


def import_execute(
    *,
    run_id: int,
    progress: Progress | NullProgress | None = None,
    hook: object = None,
    batch_size: int | None = None,
) -> ImportRun:
    """Run (or continue) an import. Safe to call again after an interruption."""
    from rucher.exchange.importer import BATCH_SIZE, Importer

    run = ImportRun.objects.get(pk=run_id)
    if run.status == RunStatus.DONE:
        _reach_back(run)  # idempotent: completes a run interrupted right after its records
        return run
    with ExitStack() as stack:
        try:
            archive = _open_archive(run, stack)
        except ArchiveError as error:
            run.status, run.error, run.finished_at = RunStatus.FAILED, str(error), timezone.now()
            run.save()
            return run
        importer = Importer(
            run,
            archive,
            progress=progress,
            hook=hook,  # type: ignore[arg-type]
            batch_size=batch_size or BATCH_SIZE,
        )
        run = importer.run()
    if run.status == RunStatus.DONE:
        _reach_back(run)
    if run.is_finished and run.stored_name and not run.dry_run:
        default_storage.delete(run.stored_name)
    return run


def _reach_back(run: ImportRun) -> None:
    """Imported history that starts before people's accounts counts from its first day
    (``exchange.history``)."""
    if run.dry_run:
        return
    with transaction.atomic():
        reach_back(run)


def access_import(*, user: User, run_id: int) -> ImportRun:
    _require_admin(user)
    try:
        return ImportRun.objects.get(pk=run_id)
    except ImportRun.DoesNotExist:
        raise NotFound("import") from None


@transaction.atomic
def export_create(*, actor: User, person_id: int | None = None) -> ExportRun:
    """An export of the whole organisation (administrators) or of one's own data."""
    if person_id is None:
        _require_admin(actor)
        scope = ExportRun.Scope.ORGANISATION
    else:
        if person_id != actor.pk and not actor.is_admin:
            raise Forbidden(_("You may export your own data only."))
        if not User.objects.filter(pk=person_id).exists():
            raise NotFound("person")
        scope = ExportRun.Scope.PERSON
    run = ExportRun.objects.create(created_by=actor, person_id=person_id, scope=scope)
    events.record(actor=actor, verb="export.requested", target=run, payload={"scope": scope})
    return run


def export_execute(*, run_id: int) -> ExportRun:
    from rucher.exchange.exporter import Exporter

    run = ExportRun.objects.get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])
    name = f"exports/rucher-export-{run.pk}-{uuid.uuid4().hex[:8]}.zip"
    try:
        # Written to a local file first (zipfile seeks back to finish each member), then
        # stored: the storage may be a bucket.
        with tempfile.TemporaryDirectory(prefix="rucher-export-") as folder:
            target = Path(folder) / Path(name).name
            run.counts = Exporter(person=run.person).write(target)
            name = store_local_file(target, name)
    except Exception as error:
        run.status, run.error = RunStatus.FAILED, str(error)
        run.finished_at = timezone.now()
        run.save()
        raise
    run.file.name = name
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save()
    return run


def access_export(*, user: User, run_id: int) -> ExportRun:
    """An export its requester or an administrator may see; else the same NotFound."""
    run = ExportRun.objects.filter(pk=run_id).first()
    if run is None or not (user.is_admin or run.created_by_id == user.pk):
        raise NotFound("export")
    return run
