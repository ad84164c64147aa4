"""``rucher import PATH [--dry-run] [--source NAME] [--trust-roles] [--resume ID]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rucher.core.progress import Progress
from rucher.exchange.models import ImportRun, RunStatus


class Command(BaseCommand):
    help = "Import a ZIP or folder in the Rucher exchange format (docs/exchange-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="ZIP file or folder")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument("--source", default="", help="source name (default: the manifest's)")
        parser.add_argument(
            "--trust-roles",
            action="store_true",
            help="give people the roles of the file, administrator and project team included "
            "(by default only employee and guest are taken; others become employee)",
        )
        parser.add_argument(
            "--resume", type=int, help="continue the interrupted import with this id"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from rucher.exchange.services import import_create, import_execute

        if options["resume"]:
            run = ImportRun.objects.filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"No import {options['resume']}.")
        else:
            if not options["path"]:
                raise CommandError("Give the PATH of a ZIP file or folder.")
            run = import_create(
                actor=None,
                path=options["path"],
                dry_run=options["dry_run"],
                source=options["source"],
                trust_roles=options["trust_roles"],
            )
        self.stdout.write(f"Import {run.pk}{' (dry run)' if run.dry_run else ''}: {run.path}")
        progress = Progress(run.total, "records", stream=self.stderr)
        try:
            run = import_execute(run_id=run.pk, progress=progress)
        except KeyboardInterrupt:
            raise CommandError(
                f"Interrupted. Continue with: rucher import --resume {run.pk}"
            ) from None
        progress.finish()
        self.stdout.write(report(run))
        if run.status == RunStatus.FAILED:
            raise CommandError(run.error)


def report(run: ImportRun) -> str:
    lines = [f"Source: {run.source} ({run.source_system})  status: {run.status}"]
    verb = "would be " if run.dry_run else ""
    for name, counts in run.counts.items():
        lines.append(
            f"  {name:<24} {verb}created {counts.get('created', 0)}, matched "
            f"{counts.get('matched', 0)}, already imported {counts.get('unchanged', 0)}, "
            f"skipped {counts.get('skipped', 0)}"
        )
    lines.append(f"Problems: {run.problem_count}")
    for problem in run.problems:
        where = problem.get("file") or "archive"
        if problem.get("line"):
            where += f":{problem['line']}"
        ident = f" [{problem['id']}]" if problem.get("id") else ""
        lines.append(f"  {where}{ident}: {problem['message']}")
    if run.problem_count > len(run.problems):
        lines.append(f"  … and {run.problem_count - len(run.problems)} more")
    if run.error:
        lines.append(f"Error: {run.error}")
    return "\n".join(lines)
