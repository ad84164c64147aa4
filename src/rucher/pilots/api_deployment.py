"""The pilots API: deployment part."""

from ninja import Router

router = Router(tags=["pilots"])
