"""Removing what a JPEG says about where and how it was taken, without re-encoding it.

A photo taken on a phone carries EXIF and XMP metadata: the GPS position (often someone's
home), the device, its serial number, the time, sometimes the owner's name. Attached to a
post, the original is downloaded by every reader, so it must not carry them. Re-encoding
would drop them too but loses quality on every upload; instead the metadata segments are cut
out and the compressed image is copied byte for byte.

Kept: the JFIF header (APP0), the colour profile (APP2 ``ICC_PROFILE``), Adobe's colour
transform flag (APP14) and the image itself. Removed: APP1 (EXIF, XMP), APP3–APP13 and
APP15 (maker notes, IPTC/Photoshop, other vendors' blocks), comments (COM) and whatever
follows the end of the image (phones append "motion photo" videos there). The EXIF
orientation is the one field a viewer needs: when it is not the default it is written back
as a minimal EXIF block holding nothing else.
"""

from __future__ import annotations

import io

from PIL import Image

SOI = b"\xff\xd8"
SOS = 0xDA
EOI = 0xD9
APP0, APP1, APP2, APP14, APP15 = 0xE0, 0xE1, 0xE2, 0xEE, 0xEF
COM = 0xFE
ORIENTATION_TAG = 0x0112
# Markers that stand alone, without a length: TEM and the restart markers.
STANDALONE = {0x01, *range(0xD0, 0xD8)}


class NotAJpeg(ValueError):
    """The bytes do not follow the JPEG segment layout."""


def _keeps(marker: int, body: bytes) -> bool:
    if marker == APP2:
        return body.startswith(b"ICC_PROFILE\x00")
    if marker in (APP0, APP14):
        return True
    return not (APP1 <= marker <= APP15 or marker == COM)


def _orientation(data: bytes) -> int:
    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(ORIENTATION_TAG, 1)
    except (OSError, SyntaxError, ValueError):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _orientation_segment(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    body = b"Exif\x00\x00" + exif.tobytes()
    return bytes((0xFF, APP1)) + (len(body) + 2).to_bytes(2, "big") + body


def strip_jpeg_metadata(data: bytes) -> bytes:
    """``data`` without its metadata segments (see the module); raises ``NotAJpeg``."""
    if not data.startswith(SOI):
        raise NotAJpeg("no start-of-image marker")
    orientation = _orientation(data)
    kept = [SOI]
    if orientation != 1:
        kept.append(_orientation_segment(orientation))
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise NotAJpeg(f"expected a marker at byte {position}")
        marker = data[position + 1] if position + 1 < len(data) else None
        if marker is None:
            raise NotAJpeg("truncated marker")
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in STANDALONE:
            kept.append(data[position : position + 2])
            position += 2
            continue
        if marker == EOI:
            kept.append(data[position : position + 2])
            break  # anything after the image (a "motion photo" video...) goes too
        if position + 4 > len(data):
            raise NotAJpeg("truncated segment length")
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise NotAJpeg(f"segment at byte {position} overruns the file")
        if marker == SOS:
            # The scan header, then its compressed data, copied as they are.
            end = _scan_end(data, end)
            kept.append(data[position:end])
        elif _keeps(marker, data[position + 4 : end]):
            kept.append(data[position:end])
        position = end
    return b"".join(kept)


def _scan_end(data: bytes, position: int) -> int:
    """Where the compressed data starting at ``position`` ends: at the next marker (a
    0xFF not followed by a stuffed 0x00, a restart marker or another 0xFF), or the file's
    end for a truncated file (which Pillow accepted)."""
    while True:
        found = data.find(b"\xff", position)
        if found == -1 or found + 1 >= len(data):
            return len(data)
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position = found + 1
            continue
        return found
