"""Attachments: sniffing, limits, previews, names, claims, access per persona, downloads."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from rucher.accounts.models import Role
from rucher.content import moderation, policy, services
from rucher.content.attachments import (
    MAX_PER_ITEM,
    attachment_response,
    attachment_upload,
    attachments_claim,
    attachments_purge_pending,
    content_disposition,
    safe_name,
)
from rucher.content.models import Attachment, Post
from rucher.content.tasks import purge_pending_attachments
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.models import Event
from tests.cast import make_person

pytestmark = pytest.mark.usefixtures("shared_cast")

# ---------------------------------------------------------------- files


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (1200, 800), mode: str = "RGB", **save
) -> bytes:
    buffer = io.BytesIO()
    colour = (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)
    Image.new(mode, size, colour[: len(mode)]).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def jpeg_rotated(size: tuple[int, int] = (1600, 800)) -> bytes:
    """A JPEG stored landscape whose EXIF says: turn it a quarter (portrait when shown)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return image_bytes("JPEG", size, exif=exif.tobytes())


def animated_gif() -> bytes:
    frames = [Image.new("P", (300, 200), colour) for colour in (1, 50, 100)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], loop=0)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims a huge picture (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def zip_bytes(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries.items()):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0"?><Types xmlns="x"></Types>'


def ooxml(folder: str, *extra: str) -> bytes:
    entries = {"[Content_Types].xml": CONTENT_TYPES_XML, f"{folder}/main.xml": b"<x/>"}
    entries.update(dict.fromkeys(extra, b"..."))
    return zip_bytes(entries)


def opendocument(kind: str = "text") -> bytes:
    return zip_bytes(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
            "content.xml": b"<office:document-content/>",
        },
        stored_first=True,
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
HTML_BYTES = b"<!doctype html><script>alert(document.cookie)</script><p>Hello</p>"


def upload(data: bytes, name: str = "file.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post(author, community, **kwargs) -> Post:
    return services.post_create(
        actor=author, community_id=community.pk if community else None, body="Files", **kwargs
    )


def _attached(author, community, data: bytes = PDF_BYTES, name: str = "plan.pdf") -> Attachment:
    post = _post(author, community)
    attachment = attachment_upload(actor=author, upload=upload(data, name))
    attachments_claim(actor=author, post=post, comment=None, ids=[attachment.pk])
    attachment.refresh_from_db()
    return attachment


def _body(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


# ---------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("data", "name", "content_type", "stored_name"),
    [
        (image_bytes("PNG"), "photo.png", "image/png", "photo.png"),
        (image_bytes("JPEG"), "photo.JPEG", "image/jpeg", "photo.JPEG"),
        (image_bytes("WEBP"), "photo.webp", "image/webp", "photo.webp"),
        (animated_gif(), "anim.gif", "image/gif", "anim.gif"),
        (PDF_BYTES, "plan.pdf", "application/pdf", "plan.pdf"),
        (
            ooxml("word"),
            "report.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "report.docx",
        ),
        (
            ooxml("xl"),
            "budget.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "budget.xlsx",
        ),
        (
            ooxml("ppt"),
            "slides.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "slides.pptx",
        ),
        (opendocument("text"), "notes.odt", "application/vnd.oasis.opendocument.text", "notes.odt"),
        (
            opendocument("spreadsheet"),
            "sheet.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            "sheet.ods",
        ),
        ("Héllo, wörld\n".encode(), "notes.txt", "text/plain; charset=utf-8", "notes.txt"),
        (b"a,b\n1,2\n", "data.csv", "text/csv; charset=utf-8", "data.csv"),
        (b"# Title\n\n*hi*\n", "README.md", "text/markdown; charset=utf-8", "README.md"),
        (b"plain words", "no-extension", "text/plain; charset=utf-8", "no-extension.txt"),
    ],
)
def test_accepted_kinds_are_sniffed(communities, member, data, name, content_type, stored_name):
    attachment = attachment_upload(actor=member, upload=upload(data, name))
    assert attachment.content_type == content_type
    assert attachment.name == stored_name
    assert attachment.size == len(data)
    assert attachment.post_id is None and attachment.comment_id is None
    with attachment.file.open("rb") as stored:
        assert stored.read() == data  # the original, untouched
    assert attachment.uploaded_by_id == member.pk


def test_a_png_named_exe_is_a_png_with_a_safe_name(communities, member):
    attachment = attachment_upload(
        actor=member, upload=upload(image_bytes("PNG"), "setup.exe", "application/x-msdownload")
    )
    assert attachment.content_type == "image/png"
    assert attachment.name == "setup.exe.png"
    assert attachment.is_image


def test_the_browser_content_type_is_ignored(communities, member):
    attachment = attachment_upload(actor=member, upload=upload(PDF_BYTES, "plan.pdf", "text/html"))
    assert attachment.content_type == "application/pdf"


def test_html_named_txt_is_plain_text_served_as_a_download(communities, member):
    attachment = _attached(member, communities["private"], HTML_BYTES, "page.txt")
    assert attachment.content_type == "text/plain; charset=utf-8"
    assert attachment.name == "page.txt"
    response = attachment_response(attachment)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert _body(response) == HTML_BYTES


def test_html_named_html_gets_a_txt_extension(communities, member):
    attachment = attachment_upload(actor=member, upload=upload(HTML_BYTES, "page.html"))
    assert attachment.name == "page.html.txt"
    assert attachment.content_type == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (EXE_BYTES, "report.pdf"),
        (EXE_BYTES, "notes.txt"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "tool.png"),
        (zip_bytes({"a.txt": b"hello"}), "archive.docx"),  # a plain zip
        (zip_bytes({"mimetype": b"application/x-evil", "x": b"1"}, stored_first=True), "x.odt"),
        ("café".encode("latin-1"), "latin1.csv"),  # not UTF-8
        (b"text with a \x00 NUL", "nul.txt"),
        (b"PK\x03\x04 but not a zip at all", "broken.xlsx"),
    ],
)
def test_other_kinds_are_refused(communities, member, data, name):
    with pytest.raises(Invalid) as error:
        attachment_upload(actor=member, upload=upload(data, name))
    assert "file" in error.value.fields
    assert "not accepted" in error.value.message
    assert not Attachment.objects.exists()


def test_macro_documents_are_refused(communities, member):
    with pytest.raises(Invalid) as error:
        attachment_upload(
            actor=member, upload=upload(ooxml("word", "word/vbaProject.bin"), "macro.docm")
        )
    assert "macros" in error.value.fields["file"][0]


def test_a_damaged_image_is_refused(communities, member):
    data = b"\x89PNG\r\n\x1a\n" + b"garbage" * 50
    with pytest.raises(Invalid) as error:
        attachment_upload(actor=member, upload=upload(data, "broken.png"))
    assert "file" in error.value.fields


def test_an_empty_file_is_refused(communities, member):
    with pytest.raises(Invalid) as error:
        attachment_upload(actor=member, upload=upload(b"", "empty.txt"))
    assert "empty" in error.value.fields["file"][0]


def test_oversized_files_are_refused(communities, member, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(Invalid) as error:
        attachment_upload(actor=member, upload=upload(b"x" * 101, "big.txt"))
    assert "too large" in error.value.fields["file"][0]
    assert attachment_upload(actor=member, upload=upload(b"x" * 100, "fits.txt")).size == 100


def test_nothing_is_left_on_disk_by_a_refused_upload(communities, member, media):
    with pytest.raises(Invalid):
        attachment_upload(actor=member, upload=upload(EXE_BYTES, "report.pdf"))
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_an_upload_records_an_event_without_the_name(communities, member):
    attachment = attachment_upload(actor=member, upload=upload(PDF_BYTES, "secret-plan.pdf"))
    event = Event.objects.get(verb="attachment.uploaded", target_id=attachment.pk)
    assert event.actor_id == member.pk
    assert "secret" not in str(event.payload)


# ---------------------------------------------------------------- previews


def test_images_get_a_jpeg_preview_at_most_640_wide(communities, member):
    attachment = attachment_upload(actor=member, upload=upload(image_bytes("PNG"), "big.png"))
    assert (attachment.width, attachment.height) == (1200, 800)
    with attachment.thumbnail.open("rb") as stored, Image.open(stored) as preview:
        assert preview.format == "JPEG"
        assert preview.size == (640, 427)


def test_transparent_images_get_a_png_preview(communities, member):
    data = image_bytes("PNG", (300, 100), mode="RGBA")
    attachment = attachment_upload(actor=member, upload=upload(data, "logo.png"))
    assert (attachment.width, attachment.height) == (300, 100)
    with attachment.thumbnail.open("rb") as stored, Image.open(stored) as preview:
        assert preview.format == "PNG"
        assert preview.size == (300, 100)  # small images are not enlarged
        assert preview.mode == "RGBA"


def test_a_rotated_photo_keeps_its_orientation_and_no_exif(communities, member):
    attachment = attachment_upload(actor=member, upload=upload(jpeg_rotated(), "phone.jpg"))
    assert (attachment.width, attachment.height) == (800, 1600)
    with attachment.thumbnail.open("rb") as stored, Image.open(stored) as preview:
        assert preview.width <= 640
        assert preview.height > preview.width
        assert not preview.getexif()


def test_an_animated_gif_is_kept_whole_with_a_still_preview(communities, member):
    data = animated_gif()
    attachment = attachment_upload(actor=member, upload=upload(data, "party.gif"))
    assert (attachment.width, attachment.height) == (300, 200)
    with attachment.file.open("rb") as stored:
        assert stored.read() == data
    with attachment.thumbnail.open("rb") as stored, Image.open(stored) as preview:
        assert getattr(preview, "n_frames", 1) == 1


@pytest.mark.parametrize("size", [(100_000, 100_000), (8_000, 6_000)])
def test_huge_images_are_kept_as_files_without_a_preview(communities, member, size):
    attachment = attachment_upload(actor=member, upload=upload(png_claiming(*size), "bomb.png"))
    assert attachment.content_type == "image/png"
    assert not attachment.thumbnail
    assert attachment.width is None and attachment.height is None
    with pytest.raises(NotFound):
        attachment_response(attachment, thumbnail=True)


def test_other_files_have_no_preview(communities, member):
    attachment = attachment_upload(actor=member, upload=upload(PDF_BYTES, "plan.pdf"))
    assert not attachment.thumbnail and not attachment.is_image


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("given", "extensions", "expected"),
    [
        ("../../etc/passwd", ("txt",), "passwd.txt"),
        ("C:\\Users\\marie\\Desktop\\plan.pdf", ("pdf",), "plan.pdf"),
        ("photo\u202egnp.exe", ("png",), "photognp.exe.png"),  # right-to-left override
        ("bad\x00na\x07me\n.pdf", ("pdf",), "bad na me .pdf"),
        ('a<b>:"c"|?*.pdf', ("pdf",), "a_b___c____.pdf"),
        ("...hidden.txt", ("txt",), "hidden.txt"),
        ("", ("pdf",), "file.pdf"),
        ("   ", (), "file"),
        ("Résumé café.PDF", ("pdf",), "Résumé café.PDF"),
    ],
)
def test_safe_names(given, extensions, expected):
    assert safe_name(given, extensions) == expected


def test_long_names_are_cut_keeping_the_extension():
    name = safe_name("x" * 400 + ".pdf", ("pdf",))
    assert len(name) == 255
    assert name.endswith("x.pdf")


def test_an_uploaded_name_is_sanitised(communities, member):
    data = PDF_BYTES
    attachment = attachment_upload(actor=member, upload=upload(data, "é" * 300 + "\u202e.pdf"))
    assert len(attachment.name) <= 255
    assert attachment.name.endswith(".pdf")
    assert "\u202e" not in attachment.name


# ---------------------------------------------------------------- who may upload


def test_who_may_upload(communities, member, outsider, guest, other_guest, deactivated):
    for person in (member, outsider, guest, other_guest):
        assert attachment_upload(actor=person, upload=upload(PDF_BYTES, "a.pdf")).pk
    with pytest.raises(Forbidden):
        attachment_upload(actor=deactivated, upload=upload(PDF_BYTES, "a.pdf"))


def test_a_guest_of_no_community_may_not_upload(communities):
    lonely = make_person("lonely@partner.example", "Lonely Guest", Role.GUEST)
    with pytest.raises(Forbidden):
        attachment_upload(actor=lonely, upload=upload(PDF_BYTES, "a.pdf"))


# ---------------------------------------------------------------- claims


def _pending(person, count: int = 1) -> list[Attachment]:
    return [
        attachment_upload(actor=person, upload=upload(PDF_BYTES, f"file{index}.pdf"))
        for index in range(count)
    ]


def test_claiming_own_uploads_in_order(communities, member):
    post = _post(member, communities["private"])
    first, second = _pending(member, 2)
    claimed = attachments_claim(actor=member, post=post, comment=None, ids=[second.pk, first.pk])
    assert [attachment.pk for attachment in claimed] == [second.pk, first.pk]
    assert set(post.attachments.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert not Attachment.objects.filter(post__isnull=True).exists()


def test_claiming_through_post_and_comment_services(communities, member, animator):
    [for_post] = _pending(member)
    post = _post(member, communities["private"], attachment_ids=[for_post.pk])
    [for_comment] = _pending(animator)
    comment = services.comment_create(
        actor=animator, post_id=post.pk, body="See attached", attachment_ids=[for_comment.pk]
    )
    for_post.refresh_from_db()
    for_comment.refresh_from_db()
    assert (for_post.post_id, for_post.comment_id) == (post.pk, None)
    assert (for_comment.post_id, for_comment.comment_id) == (post.pk, comment.pk)


def test_someone_elses_upload_cannot_be_claimed(communities, member, animator):
    post = _post(member, communities["private"])
    [theirs] = _pending(animator)
    with pytest.raises(Invalid) as error:
        attachments_claim(actor=member, post=post, comment=None, ids=[theirs.pk])
    assert "attachments" in error.value.fields
    theirs.refresh_from_db()
    assert theirs.post_id is None
    with pytest.raises(Invalid):  # also through the service: nothing is posted
        _post(member, communities["private"], attachment_ids=[theirs.pk])
    assert Post.objects.filter(author=member).count() == 1


def test_an_upload_is_claimed_once(communities, member):
    first_post = _post(member, communities["private"])
    second_post = _post(member, communities["private"])
    [attachment] = _pending(member)
    attachments_claim(actor=member, post=first_post, comment=None, ids=[attachment.pk])
    with pytest.raises(Invalid):
        attachments_claim(actor=member, post=second_post, comment=None, ids=[attachment.pk])
    with pytest.raises(Invalid):
        attachments_claim(actor=member, post=second_post, comment=None, ids=[999_999])
    with pytest.raises(Invalid):
        attachments_claim(actor=member, post=second_post, comment=None, ids=["nope"])  # type: ignore[list-item]


def test_at_most_ten_files_per_item(communities, member):
    post = _post(member, communities["private"])
    uploads = _pending(member, MAX_PER_ITEM + 1)
    with pytest.raises(Invalid) as error:
        attachments_claim(actor=member, post=post, comment=None, ids=[a.pk for a in uploads])
    assert "attachments" in error.value.fields
    attachments_claim(actor=member, post=post, comment=None, ids=[a.pk for a in uploads[:10]])
    with pytest.raises(Invalid):
        attachments_claim(actor=member, post=post, comment=None, ids=[uploads[10].pk])


def test_only_the_author_claims_for_an_item(communities, member, animator):
    post = _post(member, communities["private"])
    [mine] = _pending(animator)
    with pytest.raises(Forbidden):
        attachments_claim(actor=animator, post=post, comment=None, ids=[mine.pk])


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("member", True),
        ("animator", True),
        ("owner", True),
        ("guest", True),
        ("admin", True),
        ("outsider", False),
        ("other_guest", False),
        ("former_member", False),
        ("deactivated", False),
    ],
)
def test_access_to_a_private_communitys_file(communities, request, persona, allowed, member):
    attachment = _attached(member, communities["private"])
    person = request.getfixturevalue(persona)
    if allowed:
        assert policy.access_attachment(user=person, attachment_id=attachment.pk) == attachment
    else:
        with pytest.raises(NotFound):
            policy.access_attachment(user=person, attachment_id=attachment.pk)


def test_open_community_files_for_employees_not_for_other_guests(
    communities, member, outsider, other_guest
):
    attachment = _attached(member, communities["open"])
    assert policy.access_attachment(user=outsider, attachment_id=attachment.pk)
    with pytest.raises(NotFound):
        policy.access_attachment(user=other_guest, attachment_id=attachment.pk)


def test_profile_post_files_are_for_internal_people(communities, member, outsider, guest):
    attachment = _attached(member, None)
    assert policy.access_attachment(user=outsider, attachment_id=attachment.pk)
    with pytest.raises(NotFound):
        policy.access_attachment(user=guest, attachment_id=attachment.pk)


def test_a_pending_upload_is_its_uploaders_only(communities, member, animator, admin):
    [attachment] = _pending(member)
    assert policy.access_attachment(user=member, attachment_id=attachment.pk)
    for person in (animator, admin):
        with pytest.raises(NotFound):
            policy.access_attachment(user=person, attachment_id=attachment.pk)


@pytest.mark.parametrize("attachment_id", [999_999, "abc", None])
def test_missing_attachments_are_not_found(communities, member, attachment_id):
    with pytest.raises(NotFound):
        policy.access_attachment(user=member, attachment_id=attachment_id)


def test_a_deleted_posts_files_are_gone_but_kept_on_disk(communities, member):
    attachment = _attached(member, communities["private"])
    services.post_delete(actor=member, post_id=attachment.post_id)
    with pytest.raises(NotFound):
        policy.access_attachment(user=member, attachment_id=attachment.pk)
    assert default_storage.exists(attachment.file.name)


def test_a_hidden_posts_files_are_for_its_author_only(communities, member, animator, owner):
    attachment = _attached(member, communities["private"])
    moderation.post_hide(actor=animator, post_id=attachment.post_id, reason="Off topic")
    assert policy.access_attachment(user=member, attachment_id=attachment.pk)
    with pytest.raises(NotFound):
        policy.access_attachment(user=owner, attachment_id=attachment.pk)


def test_comment_files_follow_the_comment(communities, member, animator, owner, guest):
    post = _post(owner, communities["private"])
    [attachment] = _pending(member)
    comment = services.comment_create(actor=member, post_id=post.pk, body="Here")
    attachments_claim(actor=member, post=post, comment=comment, ids=[attachment.pk])
    assert policy.access_attachment(user=guest, attachment_id=attachment.pk)
    moderation.comment_hide(actor=animator, comment_id=comment.pk, reason="Private data")
    for person in (member, animator, owner):  # the author and the moderators
        assert policy.access_attachment(user=person, attachment_id=attachment.pk)
    with pytest.raises(NotFound):
        policy.access_attachment(user=guest, attachment_id=attachment.pk)
    moderation.comment_restore(actor=animator, comment_id=comment.pk)
    services.comment_delete(actor=member, comment_id=comment.pk)
    with pytest.raises(NotFound):
        policy.access_attachment(user=member, attachment_id=attachment.pk)


# ---------------------------------------------------------------- downloads


def test_download_headers(communities, member):
    attachment = _attached(member, communities["private"], PDF_BYTES, "Plan d'été 2026.pdf")
    response = attachment_response(attachment)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Plan d\'ete 2026.pdf"; '
        "filename*=UTF-8''" + quote("Plan d'été 2026.pdf", safe="")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"].startswith("private")
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert _body(response) == PDF_BYTES


def test_an_image_is_downloaded_and_only_its_preview_is_inline(communities, member):
    attachment = _attached(member, communities["private"], image_bytes("PNG"), "photo.png")
    full = attachment_response(attachment)
    assert full["Content-Type"] == "image/png"
    assert full["Content-Disposition"].startswith("attachment;")
    _body(full)
    preview = attachment_response(attachment, thumbnail=True)
    assert preview["Content-Type"] == "image/jpeg"
    assert preview["Content-Disposition"].startswith("inline;")
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert preview["Cache-Control"].startswith("private")
    assert _body(preview).startswith(b"\xff\xd8")


def test_a_file_missing_on_disk_is_not_found(communities, member):
    attachment = _attached(member, communities["private"])
    default_storage.delete(attachment.file.name)
    with pytest.raises(NotFound):
        attachment_response(attachment)


def test_content_disposition_quotes_what_needs_it():
    header = content_disposition('evil"name\\.txt')
    assert header.startswith('attachment; filename="evil_name_.txt"; ')
    assert "filename*=UTF-8''evil%22name%5C.txt" in header
    assert content_disposition("日本.pdf").startswith('attachment; filename="download.pdf"')


# ---------------------------------------------------------------- purge


def test_purge_deletes_old_pending_uploads_and_their_files(
    communities, member, django_capture_on_commit_callbacks
):
    old = attachment_upload(actor=member, upload=upload(image_bytes("PNG"), "old.png"))
    recent = attachment_upload(actor=member, upload=upload(PDF_BYTES, "recent.pdf"))
    claimed_old = _attached(member, communities["private"])
    day_ago = timezone.now() - timedelta(hours=25)
    Attachment.objects.filter(pk__in=[old.pk, claimed_old.pk]).update(created_at=day_ago)
    names = [old.file.name, old.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments_purge_pending() == 1
    assert not Attachment.objects.filter(pk=old.pk).exists()
    assert Attachment.objects.filter(pk__in=[recent.pk, claimed_old.pk]).count() == 2
    assert not any(default_storage.exists(name) for name in names)
    assert default_storage.exists(recent.file.name)
    assert default_storage.exists(claimed_old.file.name)


def test_purge_task(communities, member, django_capture_on_commit_callbacks):
    old = attachment_upload(actor=member, upload=upload(PDF_BYTES, "old.pdf"))
    Attachment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_pending_attachments.call() == 1
    assert not default_storage.exists(old.file.name)
