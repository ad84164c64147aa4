"""``rucher worker``: runs background tasks from the database queue, and checks every minute
for periodic jobs that are due (rucher.core.periodic)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background tasks (e-mails, indexing, rollups). --batch empties the queue and exits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        from rucher.core.periodic import run_due

        if options["batch"]:
            run_due()
            call_command("db_worker", "--batch")
            return
        stop = threading.Event()
        checker = threading.Thread(target=_check_periodic, args=(stop,), daemon=True)
        checker.start()
        try:
            call_command("db_worker")
        finally:
            stop.set()


def _check_periodic(stop: threading.Event) -> None:
    from django.db import connection

    from rucher.core.periodic import run_due

    while not stop.is_set():
        run_due()
        connection.close()  # this thread's own connection; do not keep it idle for a minute
        stop.wait(60)
