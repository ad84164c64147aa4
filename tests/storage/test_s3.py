"""Files in an S3-compatible bucket, end to end through the pages: stored under the prefix,
private, served only through the access policy, deleted from the bucket, and readable by a
worker that shares nothing with the web process but the bucket (conftest: a real SeaweedFS)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rucher.content.models import Attachment, Post
from rucher.content.tasks import purge_pending_attachments
from rucher.exchange.models import ExportRun, ImportRun, RunStatus

pytestmark = pytest.mark.django_db


def png(size: tuple[int, int] = (900, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def body(response) -> bytes:
    # Reading to the end closes the file; the test client then closes the response without
    # letting request_finished close the test's database connection (response.close() would).
    return b"".join(response.streaming_content)


def upload_attachment(client, data: bytes, name: str) -> Attachment:
    response = client.post(
        reverse("content:attachment_upload"), {"upload": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200, response.content
    return response.context["attachments"][0]


def test_an_attachment_and_its_preview_are_stored_privately_and_served_through_the_policy(
    client, s3, communities, member, outsider
):
    image = png()
    client.force_login(member)
    attachment = upload_attachment(client, image, "site.png")
    created = client.post(
        reverse("content:post_create"),
        {
            "community": communities["secret"].pk,
            "type": "discussion",
            "body": "The site, seen from the north",
            "attachment_ids": [attachment.pk],
        },
    )
    assert created.status_code == 302
    attachment.refresh_from_db()
    assert attachment.post_id is not None
    keys = s3.object_keys()
    assert {s3.object_key(attachment.file.name), s3.object_key(attachment.thumbnail.name)} <= keys

    download = client.get(reverse("content:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert body(download) == image
    preview = client.get(reverse("content:attachment_thumbnail", args=[attachment.pk]))
    assert preview.status_code == 200
    assert Image.open(io.BytesIO(body(preview))).size == (640, 427)

    client.force_login(outsider)
    for name in ("content:attachment", "content:attachment_thumbnail"):
        assert client.get(reverse(name, args=[attachment.pk])).status_code == 404

    # Every object is under the prefix, refused without credentials, shared with no one, and
    # even a stray ``.url`` would be a signed link that expires.
    assert keys and all(key.startswith(f"{s3.prefix}/") for key in keys)
    for key in keys:
        assert s3.anonymous_status(key) == 403
        grants = s3.server.client().get_object_acl(Bucket=s3.server.bucket, Key=key)["Grants"]
        assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)
    assert "X-Amz-Signature=" in default_storage.url(attachment.file.name)
    assert not s3.local_files()


def test_a_profile_photo_and_its_thumbnail(
    client, s3, member, guest, django_capture_on_commit_callbacks
):
    client.force_login(member)
    photo = io.BytesIO(png((800, 600)))
    photo.name = "me.png"
    client.post(reverse("accounts:photo_upload"), {"photo": photo})
    profile = member.profile
    profile.refresh_from_db()
    names = [profile.photo.name, profile.photo_thumbnail.name]
    assert names[0].startswith("photos/") and names[1].startswith("photos/thumbs/")
    assert {s3.object_key(name) for name in names} <= s3.object_keys()

    small = client.get(reverse("directory:photo", args=[member.pk, "small"]))
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body(small))).size == (160, 160)
    large = client.get(reverse("directory:photo", args=[member.pk, "large"]))
    assert large.status_code == 200
    assert Image.open(io.BytesIO(body(large))).format == "JPEG"
    client.force_login(guest)
    assert client.get(reverse("directory:photo", args=[member.pk, "small"])).status_code == 404

    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:photo_remove"))
    assert not s3.object_keys() & {s3.object_key(name) for name in names}
    assert not s3.local_files()


def test_a_deleted_attachment_is_gone_from_the_bucket(
    client, s3, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    attachment = upload_attachment(client, png(), "forgotten.png")
    keys = {s3.object_key(attachment.file.name), s3.object_key(attachment.thumbnail.name)}
    assert keys <= s3.object_keys()
    Attachment.objects.filter(pk=attachment.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        purge_pending_attachments.enqueue()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not s3.object_keys() & keys


def exchange_zip() -> io.BytesIO:
    at = "2024-03-01T10:00:00Z"
    records = {
        "people.jsonl": [{"id": "u1", "email": "ada@example.org", "display_name": "Ada"}],
        "communities.jsonl": [
            {"id": "g1", "name": "Bucket owners", "visibility": "open", "created_at": at}
        ],
        "memberships.jsonl": [
            {"id": "m1", "community_id": "g1", "person_id": "u1", "role": "owner", "joined_at": at}
        ],
        "posts.jsonl": [
            {
                "id": "p1",
                "type": "discussion",
                "author_id": "u1",
                "community_id": "g1",
                "created_at": at,
                "body": "The plan is attached",
            }
        ],
        "attachments.jsonl": [
            {
                "id": "a1",
                "post_id": "p1",
                "name": "plan.txt",
                "path": "files/a1/plan.txt",
                "created_at": at,
            }
        ],
    }
    manifest = {
        "format": "rucher-exchange",
        "version": "1.0",
        "source": {"system": "other", "name": "bucket-test"},
        "exported_at": at,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("manifest.json", json.dumps(manifest))
        for name, lines in records.items():
            bundle.writestr(name, "".join(json.dumps(line) + "\n" for line in lines))
        bundle.writestr("files/a1/plan.txt", "the plan")
    buffer.seek(0)
    buffer.name = "legacy.zip"
    return buffer


# Committed for real: the worker, as in production, closes its database connections.
@pytest.mark.django_db(transaction=True)
def test_an_import_uploaded_on_the_page_is_run_by_the_worker_from_the_bucket(
    client, s3, admin, settings
):
    # Queued in the database, as in production: the web request only stores the upload.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(admin)
    response = client.post(
        reverse("exchange:imports"), {"file": exchange_zip(), "mode": "import", "source": "s3"}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == RunStatus.PENDING and run.stored_name.startswith("imports/")
    assert s3.object_key(run.stored_name) in s3.object_keys()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.counts["attachments.jsonl"]["created"] == 1, run.problems
    attachment = Post.objects.get(body="The plan is attached").attachments.get()
    assert s3.object_key(attachment.file.name) in s3.object_keys()
    client.force_login(attachment.uploaded_by)
    download = client.get(reverse("content:attachment", args=[attachment.pk]))
    assert body(download) == b"the plan"
    assert s3.object_key(run.stored_name) not in s3.object_keys()  # the upload goes once imported
    assert not s3.local_files()


def test_an_export_is_written_to_the_bucket_and_downloaded_by_its_owner_only(
    client, s3, member, outsider
):
    client.force_login(member)
    assert client.post(reverse("exchange:my_data")).status_code == 302
    run = ExportRun.objects.get(created_by=member)
    assert run.status == RunStatus.DONE
    assert s3.object_key(run.file.name) in s3.object_keys()
    download = client.get(reverse("exchange:export_download", args=[run.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(body(download))) as bundle:
        people = bundle.read("people.jsonl").decode().splitlines()
    assert [json.loads(line)["email"] for line in people] == [member.email]
    client.force_login(outsider)
    assert client.get(reverse("exchange:export_download", args=[run.pk])).status_code == 404
    assert not s3.local_files()
