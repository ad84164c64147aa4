"""The pilots API: programme part."""

from ninja import Router

router = Router(tags=["pilots"])
