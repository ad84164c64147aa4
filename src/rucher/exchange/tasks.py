"""Background work: imports and exports run in the worker (``rucher worker``)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_import(run_id: int) -> None:
    from rucher.exchange.services import import_execute

    import_execute(run_id=run_id)


@task()
def run_export(run_id: int) -> None:
    from rucher.exchange.services import export_execute

    export_execute(run_id=run_id)
