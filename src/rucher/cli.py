"""The ``rucher`` command: Django's management commands plus Rucher's own.

Rucher's commands (``serve``, ``worker``, ``demo``, ``tokens``, ...) are management commands of
its apps, so ``rucher help`` lists them with Django's.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rucher.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rucher", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
