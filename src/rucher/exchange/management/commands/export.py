"""``rucher export PATH [--person EMAIL]``: everything, or one person's data, in the open format."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Export in the Rucher exchange format: a .zip PATH writes a ZIP, otherwise a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--person", default="", help="export only this person's own data")

    def handle(self, *args: Any, **options: Any) -> None:
        from rucher.accounts.models import User
        from rucher.exchange.exporter import Exporter

        person = None
        if options["person"]:
            person = User.objects.filter(email=options["person"].strip().lower()).first()
            if person is None:
                raise CommandError(f"Nobody has the e-mail address {options['person']}.")
        counts = Exporter(person=person).write(options["path"])
        total = sum(counts.values())
        self.stdout.write(f"Exported {total} records to {options['path']}")
        for name, count in counts.items():
            if count:
                self.stdout.write(f"  {name:<20} {count}")
