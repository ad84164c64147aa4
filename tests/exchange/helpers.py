"""Shared helpers of the exchange tests: writing archives, emptying the database, counting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rucher.exchange import services
from rucher.exchange.models import ImportRun

MANIFEST = {
    "format": "rucher-exchange",
    "version": "1.0",
    "source": {"system": "other", "name": "test:source"},
    "exported_at": "2024-06-01T00:00:00Z",
}


def write_folder(folder: Path, files: dict[str, list[Any] | bytes], **manifest: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({**MANIFEST, **manifest}))
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text("".join(json.dumps(record) + "\n" for record in content))
    return folder


def run_import(
    path: Path,
    *,
    dry_run: bool = False,
    source: str = "",
    trust_roles: bool = False,
    **kwargs: Any,
) -> ImportRun:
    run = services.import_create(
        actor=None, path=str(path), dry_run=dry_run, source=source, trust_roles=trust_roles
    )
    return services.import_execute(run_id=run.pk, **kwargs)


def wipe() -> None:
    """Empty the organisation (keeping community kinds): the "empty database" of a round trip."""
    from rucher.accounts.models import OrgUnit, Site, User
    from rucher.communities.models import Community
    from rucher.content.models import Attachment, Post, Report
    from rucher.core.models import Event, Tag
    from rucher.exchange.models import ExportRun, ImportedRecord
    from rucher.notifications.models import Notification

    Notification.objects.all().delete()
    Report.objects.all().delete()
    Attachment.objects.all().delete()
    Post.objects.all().delete()
    Community.objects.all().delete()
    ExportRun.objects.all().delete()
    ImportRun.objects.all().delete()
    User.objects.all().delete()
    for unit in OrgUnit.objects.order_by("-depth"):
        unit.delete()
    Site.objects.all().delete()
    Tag.objects.all().delete()
    Event.objects.all().delete()
    ImportedRecord.objects.all().delete()


def read_jsonl(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        path.name: [json.loads(line) for line in path.read_text().splitlines() if line]
        for path in sorted(folder.glob("*.jsonl"))
    }


def table_counts() -> dict[str, int]:
    from django.apps import apps

    counts = {}
    for label in ("accounts", "communities", "content", "core", "exchange", "notifications"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    from rucher.core.models import Event

    # The run's own audit event ("import.started") is not a change of the organisation.
    counts["core.Event"] = Event.objects.exclude(verb__startswith="import.").count()
    return counts
