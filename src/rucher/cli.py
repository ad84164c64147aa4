"""The ``rucher`` command: Django's management commands plus Rucher's own.

Rucher's commands (``serve``, ``worker``, ``demo``, ``tokens``, ...) are management commands of
its apps, so ``rucher help`` lists them with Django's.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rucher.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting loads and checks them all
    except ImproperlyConfigured as error:
        # A configuration mistake deserves one clear line, not a traceback.
        sys.stderr.write(f"Rucher cannot start: {error}\n")
        raise SystemExit(2) from None

    execute_from_command_line(["rucher", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
