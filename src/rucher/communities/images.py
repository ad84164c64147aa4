"""A community's avatar (square) and banner (wide), re-encoded from an upload."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import ImageOps

from rucher.core.images import jpeg, read_image

SIZES = {"avatar": (256, 256), "banner": (1500, 400)}


def process_community_image(upload: UploadedFile, *, which: str) -> ContentFile[bytes]:
    image = read_image(upload, field=which, max_bytes=settings.PROFILE_PHOTO_MAX_BYTES)
    return jpeg(ImageOps.fit(image, SIZES[which]))
