"""Loaded by pytest before Django reads its settings (``-p tests.testenv`` in pyproject).

Tests hash passwords fast and run background tasks inline; everything else is as in
production, so the suite exercises the real settings module.
"""

import os

os.environ.setdefault("RUCHER_TESTING", "1")
