"""``rucher analytics rebuild | status``: the rollups that dashboards read."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from rucher.analytics import rollups
from rucher.core.progress import format_duration, format_rate

NOT_MIGRATED = "The database is not ready ({error}). Run `rucher migrate` first."


class Command(BaseCommand):
    help = "Recompute the analytics rollups from the event log, or show how far they are."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        rebuild = actions.add_parser(
            "rebuild",
            help="Wipe the rollups and replay the whole event log (same result as the "
            "incremental updates).",
        )
        rebuild.add_argument(
            "--batch-size",
            type=int,
            default=rollups.REBUILD_BATCH_SIZE,
            help=f"Events per transaction (default {rollups.REBUILD_BATCH_SIZE}).",
        )
        rebuild.add_argument(
            "--one-process",
            action="store_true",
            help="Read and fold the log in this process too (by default a second process "
            "does while this one writes, when there is more than one processor).",
        )
        actions.add_parser(
            "status", help="Position in the event log, events still to handle, rows per table."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "rebuild":
                self.rebuild(
                    batch_size=options["batch_size"],
                    second_process=False if options["one_process"] else None,
                )
            else:
                self.status()
        except DatabaseError as error:
            raise CommandError(NOT_MIGRATED.format(error=error)) from None

    def rebuild(self, *, batch_size: int, second_process: bool | None) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            replay = rollups.rebuild(
                progress=self.stderr, batch_size=batch_size, second_process=second_process
            )
        except rollups.RebuildRunning:
            raise CommandError(
                "Another rebuild of the analytics is running: wait for its end "
                "(`rucher analytics status` shows how far it is)."
            ) from None
        speed = format_rate(replay.handled / replay.seconds if replay.seconds > 0 else None)
        apart = (
            f"; {replay.from_second_process} read and folded by a second process"
            if replay.from_second_process
            else ""
        )
        self.stdout.write(
            f"Rollups rebuilt from {replay.handled} events in "
            f"{format_duration(replay.seconds)} ({speed}{apart})."
        )
        from rucher.analytics.lifecycle import compute_stages

        weeks = compute_stages(recompute=True)
        self.stdout.write(f"Lifecycle stages recomputed: {weeks} community-weeks.")

    def status(self) -> None:
        state = rollups.status()
        self.stdout.write(f"position  {state.position} (last event {state.last_event})")
        if state.lag is None:
            self.stdout.write("pending   0 events: up to date")
        else:
            lag = format_duration(state.lag.total_seconds())
            self.stdout.write(f"pending   {state.pending} events, the oldest recorded {lag} ago")
        width = max(len(name) for name in state.counts)
        for name, count in state.counts.items():
            self.stdout.write(f"{name:<{width}}  {count}")
        missing = rollups.missing_reader_indexes()
        if missing:
            self.stdout.write(
                f"indexes   {len(missing)} missing ({', '.join(missing)}): a rebuild is "
                "running, or one did not end and the worker builds them again within ten "
                "minutes"
            )
        else:
            self.stdout.write("indexes   all there")
