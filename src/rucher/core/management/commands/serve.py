"""``rucher serve``: the ASGI application under uvicorn, on HOST:PORT."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Rucher (HTTP and WebSockets) with uvicorn. HOST and PORT choose the address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "1")),
            help="Number of processes; above 1 needs REDIS_URL (and PostgreSQL is advised).",
        )
        parser.add_argument("--reload", action="store_true", help="Restart on code changes.")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn
        from django.conf import settings
        from django.core.management import call_command

        if options["workers"] > 1 and not settings.REDIS_URL:
            self.stderr.write(
                "Several processes need REDIS_URL so that live updates reach every process."
            )
            raise SystemExit(2)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"Rucher is serving on http://{options['host']}:{options['port']}/ (Ctrl+C stops it)."
        )
        uvicorn.run(
            "rucher.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"] if not options["reload"] else None,
            reload=options["reload"],
            proxy_headers=settings.USE_X_FORWARDED_HOST
            if hasattr(settings, "USE_X_FORWARDED_HOST")
            else False,
            log_level="info",
            lifespan="off",
        )
