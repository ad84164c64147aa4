"""Checking an uploaded profile photo and making its stored image and thumbnail."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from rucher.core.errors import Invalid

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000
PHOTO_SIDE = 800
THUMBNAIL_SIDE = 160


def _invalid(message: str) -> Invalid:
    return Invalid(message, fields={"photo": [message]})


def process_photo(upload: UploadedFile) -> tuple[ContentFile[bytes], ContentFile[bytes]]:
    """Return (photo, thumbnail) as JPEG files, or raise ``Invalid`` with a clear reason.

    Re-encoding drops EXIF data (location, camera) and anything hidden in the file.
    """
    limit = settings.PROFILE_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _invalid(
            _("The photo is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise _invalid(_("Use a JPEG, PNG, WebP or GIF image."))
        image: Image.Image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise _invalid(_("The image has too many pixels."))
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise _invalid(_("This file is not an image we can read.")) from None
    photo = image.copy()
    photo.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    thumbnail = ImageOps.fit(image, (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return _jpeg(photo), _jpeg(thumbnail)


def _jpeg(image: Image.Image) -> ContentFile[bytes]:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue())
