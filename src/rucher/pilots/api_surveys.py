"""The pilots API: surveys part."""

from ninja import Router

router = Router(tags=["pilots"])
