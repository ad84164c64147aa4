"""``rucher export_openapi``: write the API's OpenAPI document, committed as docs/openapi.json.

The committed copy lets reviewers see API changes in a diff and lets clients be generated
without running a server; a test fails when it no longer matches the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_document() -> str:
    """The document as committed: sorted keys, two-space indent, one trailing newline."""
    from rucher.api import api

    # The document is in English whatever the operator's locale, so that it is reproducible.
    with translation.override("en"):
        schema = api.get_openapi_schema()
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document of the JSON API (default: docs/openapi.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", metavar="PATH", help="Where to write; '-' for stdout.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the file differs from what the code generates.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        document = openapi_document()
        if options["output"] == "-":
            self.stdout.write(document, ending="")
            return
        path = Path(options["output"]) if options["output"] else default_path()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != document:
                raise CommandError(_("%s is out of date: run `rucher export_openapi`.") % path)
            self.stdout.write(_("%s is up to date.") % path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        self.stdout.write(_("Wrote %s.") % path)
