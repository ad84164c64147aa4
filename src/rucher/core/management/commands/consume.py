"""``rucher consume``: let every consumer of the event log catch up (notifications, ...)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rucher.core import events


class Command(BaseCommand):
    help = (
        "Run the event-log consumers until they have caught up. Consumers also run after each "
        "request that writes; this catches up after a crash or a failed run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, checking for new events every SECONDS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            events.run_consumers(raise_errors=options["loop"] is None)
            if options["loop"] is None:
                break
            time.sleep(options["loop"])
        self.stdout.write("Event consumers are up to date.")
