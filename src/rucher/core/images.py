"""Checking uploaded images and re-encoding them, shared by photos, avatars and banners."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from rucher.core.errors import Invalid

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: [message]})


def read_image(upload: UploadedFile, *, field: str, max_bytes: int) -> Image.Image:
    """The upload as an RGB image, or ``Invalid`` naming ``field`` with a clear reason.

    Re-encoding what this returns drops EXIF data (location, camera) and anything hidden in
    the file.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise _invalid(
            field,
            _("The image is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)},
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise _invalid(field, _("Use a JPEG, PNG, WebP or GIF image."))
        image: Image.Image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise _invalid(field, _("The image has too many pixels."))
        return ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise _invalid(field, _("This file is not an image we can read.")) from None


def jpeg(image: Image.Image) -> ContentFile[bytes]:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue())
