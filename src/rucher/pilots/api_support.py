"""The pilots API: support part."""

from ninja import Router

router = Router(tags=["pilots"])
