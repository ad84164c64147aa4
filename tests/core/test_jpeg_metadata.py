"""Photos lose their location and device metadata, not a single pixel."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms

from rucher.core.jpeg_metadata import NotAJpeg, strip_jpeg_metadata

GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112


def photo(*, orientation: int = 1, progressive: bool = False) -> bytes:
    """A phone-like JPEG: EXIF with GPS and device, XMP, a comment, an ICC profile."""
    image = Image.new("RGB", (64, 48))
    for x in range(64):
        for y in range(48):
            image.putpixel((x, y), (x * 4, y * 5, (x * y) % 256))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[MODEL] = "Pocket 12"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="JPEG",
        exif=exif.tobytes(),
        icc_profile=icc,
        comment=b"taken at 12 rue des Lilas",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Lilas</x:xmpmeta>',
        progressive=progressive,
    )
    return buffer.getvalue()


@pytest.mark.parametrize("progressive", [False, True])
def test_location_device_and_comments_go_and_the_pixels_stay(progressive):
    original = photo(progressive=progressive)
    assert b"PhoneMaker" in original and b"Lilas" in original
    cleaned = strip_jpeg_metadata(original + b"\x00\x00\x00\x18ftypmp42 motion photo")

    assert b"PhoneMaker" not in cleaned and b"Pocket" not in cleaned
    assert b"Lilas" not in cleaned and b"motion photo" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as after, Image.open(io.BytesIO(original)) as before:
        assert dict(after.getexif()) == {}
        assert after.getexif().get_ifd(GPS_IFD) == {}
        assert after.info.get("icc_profile") == before.info["icc_profile"]
        assert after.tobytes() == before.tobytes()
    assert cleaned.endswith(b"\xff\xd9")


def test_the_orientation_alone_is_written_back():
    original = photo(orientation=6)
    cleaned = strip_jpeg_metadata(original)
    assert b"PhoneMaker" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as after:
        assert dict(after.getexif()) == {ORIENTATION: 6}
        assert after.getexif().get_ifd(GPS_IFD) == {}


def test_a_file_without_metadata_is_unchanged():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="JPEG")
    plain = buffer.getvalue()
    assert strip_jpeg_metadata(plain) == plain


@pytest.mark.parametrize(
    "data", [b"", b"GIF89a", b"\xff\xd8\x00\x00", b"\xff\xd8\xff\xe1\xff\xff\x00"]
)
def test_what_is_not_a_jpeg_is_refused(data):
    with pytest.raises(NotAJpeg):
        strip_jpeg_metadata(data)
