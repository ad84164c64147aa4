"""Bridging service errors and Django forms, so a refused write keeps what the user typed."""

from __future__ import annotations

from django import forms

from rucher.core.errors import RucherError


def add_service_error(form: forms.Form, error: RucherError) -> None:
    """Attach a service's field messages to the form's fields, the rest to the whole form."""
    placed = False
    for name, messages in error.fields.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
