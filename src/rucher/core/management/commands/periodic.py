"""``rucher periodic``: run the periodic jobs that are due, once (for a cron line)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rucher.core.periodic import run_due


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (purging stale uploads, ...), then exit."

    def handle(self, *args: Any, **options: Any) -> None:
        for name in run_due():
            self.stdout.write(f"ran {name}")
