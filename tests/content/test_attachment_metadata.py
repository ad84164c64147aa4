"""A photo attached to a post reaches its readers without its location or device."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rucher.content import services
from rucher.content.attachments import attachment_upload, attachments_claim
from tests.core.test_jpeg_metadata import GPS_IFD, ORIENTATION, photo


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_reader_downloads_the_photo_without_its_gps_position(client, communities, member):
    original = photo(orientation=6)
    post = services.post_create(
        actor=member, community_id=communities["private"].pk, body="The site this morning"
    )
    attachment = attachment_upload(
        actor=member, upload=SimpleUploadedFile("IMG_0042.jpg", original, "image/jpeg")
    )
    attachments_claim(actor=member, post=post, comment=None, ids=[attachment.pk])
    attachment.refresh_from_db()

    client.force_login(communities["private"].created_by)
    response = client.get(reverse("content:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(downloaded) == attachment.size
    assert b"PhoneMaker" not in downloaded and b"Lilas" not in downloaded
    with Image.open(io.BytesIO(downloaded)) as after, Image.open(io.BytesIO(original)) as before:
        assert after.getexif().get_ifd(GPS_IFD) == {}
        assert dict(after.getexif()) == {ORIENTATION: 6}  # still shown the right way up
        assert after.tobytes() == before.tobytes()
