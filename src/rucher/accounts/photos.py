"""Making a profile photo and its thumbnail from an upload."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import ImageOps

from rucher.core.images import jpeg, read_image

PHOTO_SIDE = 800
THUMBNAIL_SIDE = 160


def process_photo(upload: UploadedFile) -> tuple[ContentFile[bytes], ContentFile[bytes]]:
    """Return (photo, thumbnail) as JPEG files, or raise ``Invalid`` with a clear reason."""
    image = read_image(upload, field="photo", max_bytes=settings.PROFILE_PHOTO_MAX_BYTES)
    photo = image.copy()
    photo.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    thumbnail = ImageOps.fit(image, (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return jpeg(photo), jpeg(thumbnail)
