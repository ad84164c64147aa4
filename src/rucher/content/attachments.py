"""Files attached to posts and comments: upload, claim, purge and download.

An upload is first *pending* (no post, no comment): it belongs to its uploader only, who
attaches it when the post or comment is written (``attachments_claim``, inside the
service's transaction). Pending uploads older than a day are purged.

What a file is, is decided by sniffing its bytes, never by its name or by the content type
the browser sent: images (JPEG, PNG, GIF, WebP, read by Pillow), PDF, Office Open XML
(docx, xlsx, pptx, without macros), OpenDocument, and plain UTF-8 text (txt, csv,
Markdown). The stored content type is the sniffed one, and the display name gets the
extension of what the file really is. Images get a small re-encoded preview (no EXIF);
the original is downloaded as the uploader sent it, except that a JPEG photo loses its
metadata (location, device, comments: ``core.jpeg_metadata``) without losing a pixel.

Every download goes through ``policy.access_attachment`` first, then
``attachment_response``: always a download (``Content-Disposition: attachment``) except an
image's preview, with ``nosniff`` and a sandboxing CSP, so that no file ever runs as a page
of the site.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, TYPE_CHECKING, cast
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from rucher.core import clock, events
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.images import MAX_PIXELS
from rucher.core.jpeg_metadata import NotAJpeg, strip_jpeg_metadata
from rucher.core.transactions import delete_file_after_commit

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.content.models import Attachment, Comment, Post

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_PER_ITEM = 10
# Uploads waiting for their post: beyond this, post them (or wait for the purge) first.
MAX_PENDING = 50
PENDING_LIFETIME = timedelta(hours=24)
NAME_MAX = 255
THUMBNAIL_SIZE = (640, 1280)  # at most 640 px wide (and not absurdly tall)

_CHUNK = 64 * 1024

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", ("jpg", "jpeg", "jpe", "jfif")),
    "PNG": ("image/png", ("png",)),
    "GIF": ("image/gif", ("gif",)),
    "WEBP": ("image/webp", ("webp",)),
}
PDF = ("application/pdf", ("pdf",))
OOXML = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
    ),
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/vnd.oasis.opendocument.graphics": ("odg",),
}
# Plain text: the name's extension picks the subtype; anything else is a .txt.
TEXT_TYPES = {
    "txt": "text/plain",
    "text": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "md": "text/markdown",
    "markdown": "text/markdown",
}


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: [message]})


def _not_accepted() -> Invalid:
    return _invalid(
        "file",
        _(
            "This kind of file is not accepted: send an image (JPEG, PNG, GIF, WebP), a PDF, "
            "an office document (Word, Excel, PowerPoint, OpenDocument) or a text file."
        ),
    )


# ---------------------------------------------------------------- sniffing


@dataclass(frozen=True)
class Sniffed:
    """What a file really is."""

    content_type: str
    extensions: tuple[str, ...]  # the first one is given to a name without a fitting one
    image_format: str = ""  # Pillow's format name for images


def _image_format(head: bytes) -> str:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return ""


def _sniff_zip(handle: IO[bytes]) -> Sniffed | None:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                # OpenDocument: an uncompressed "mimetype" entry first, naming the kind.
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in OPENDOCUMENT:
                    return Sniffed(declared, OPENDOCUMENT[declared])
                return None
            if "[Content_Types].xml" not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise _invalid("file", _("Office documents with macros are not accepted."))
            for folder, (content_type, extensions) in OOXML.items():
                if any(name.startswith(folder) for name in names):
                    return Sniffed(content_type, extensions)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError):
        return None
    return None


def _is_utf8_text(handle: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff(handle: IO[bytes], name: str = "") -> Sniffed:
    """What the file in ``handle`` is, from its bytes; ``Invalid`` on "file" if not accepted.

    ``name`` only chooses between the text subtypes (csv, Markdown, plain).
    """
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    image_format = _image_format(head)
    if image_format:
        content_type, extensions = IMAGE_TYPES[image_format]
        return Sniffed(content_type, extensions, image_format)
    if head.startswith(b"%PDF-"):
        return Sniffed(*PDF)
    if head.startswith(b"PK\x03\x04"):
        found = _sniff_zip(handle)
        handle.seek(0)
        if found is None:
            raise _not_accepted()
        return found
    if _is_utf8_text(handle):
        handle.seek(0)
        extension = _extension(name)
        if extension in TEXT_TYPES:
            return Sniffed(f"{TEXT_TYPES[extension]}; charset=utf-8", (extension,))
        return Sniffed("text/plain; charset=utf-8", ("txt",))
    raise _not_accepted()


# ---------------------------------------------------------------- names


_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem and 0 < len(extension) <= 16 else ""


def safe_name(name: str, extensions: Sequence[str] = ()) -> str:
    """A display name without path, control or formatting characters (such as the
    right-to-left override that disguises ``photo\\u202egnp.exe``), at most 255 characters,
    whose extension is one of ``extensions`` (the first one is added when it is not)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in name
        if unicodedata.category(char) not in ("Cf", "Co", "Cs", "Cn")
    )
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    extension = _extension(name)
    if extensions and extension not in extensions:
        name = f"{name or _('file')}.{extensions[0]}"
        extension = extensions[0]
    if not name:
        return _("file")
    if len(name) > NAME_MAX:
        suffix = f".{extension}" if extension else ""
        name = name[: NAME_MAX - len(suffix)].rstrip(" .") + suffix
    return name


def _ascii_name(name: str) -> str:
    """The name for clients that ignore ``filename*``: ASCII only, nothing to escape."""

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^A-Za-z0-9 ._()+,;=!#$&'@\[\]^`{}~-]", "_", text).strip(" .")

    extension = fold(_extension(name))
    stem = fold(name[: -len(extension) - 1] if extension else name)
    if not stem.strip("_"):
        stem = "download"
    return f"{stem}.{extension}" if extension else stem


def content_disposition(name: str, *, inline: bool = False) -> str:
    """``attachment`` (or ``inline``) with an ASCII ``filename`` and the RFC 5987 ``filename*``."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{_ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


# ---------------------------------------------------------------- images


@dataclass(frozen=True)
class Preview:
    content: ContentFile[bytes]
    width: int
    height: int


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_TURNS = {5, 6, 7, 8}


def _preview(handle: IO[bytes]) -> Preview | None:
    """A re-encoded preview (JPEG, or PNG when transparent) and the image's size as shown,
    or None when the image has too many pixels to decode safely (it stays downloadable,
    without a preview). ``Invalid`` if the bytes say image but Pillow cannot read it."""
    try:
        with Image.open(handle) as probe:
            probe.verify()
        handle.seek(0)
        image = Image.open(handle)
    except Image.DecompressionBombError:
        return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _invalid("file", _("This image is damaged or cannot be read.")) from None
    with image:
        width, height = image.size
        if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
            return None
        try:
            orientation = image.getexif().get(0x0112)
            bounds = THUMBNAIL_SIZE
            if orientation in _QUARTER_TURNS:
                width, height = height, width
                bounds = (THUMBNAIL_SIZE[1], THUMBNAIL_SIZE[0])
            image.seek(0)  # the first frame of an animation
            if image.format == "JPEG":
                image.draft("RGB", bounds)  # decode at a reduced scale: much cheaper
            transparent = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info
            )
            frame = image.convert("RGBA" if transparent else "RGB")
            frame.thumbnail(bounds)
            if orientation in _TRANSPOSE:
                frame = frame.transpose(_TRANSPOSE[orientation])
            buffer = io.BytesIO()
            if transparent:
                frame.save(buffer, format="PNG", optimize=True)
            else:
                frame.save(buffer, format="JPEG", quality=85, optimize=True)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise _invalid("file", _("This image is damaged or cannot be read.")) from None
    return Preview(ContentFile(buffer.getvalue()), width, height)


# ---------------------------------------------------------------- services


def can_upload(user: User) -> bool:
    """Internal people, and partner guests who may post somewhere (a current membership of
    a community that is not archived)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not user.is_guest:
        return True
    from rucher.communities.models import Membership

    return (
        Membership.objects.current()
        .filter(user_id=user.pk, community__archived_at__isnull=True)
        .exists()
    )


def _without_metadata(data: bytes) -> bytes:
    """A photo's location, device and comments removed (``core.jpeg_metadata``). Pillow read
    the file, so a layout the stripper does not follow is re-encoded rather than kept."""
    try:
        return strip_jpeg_metadata(data)
    except NotAJpeg:
        with Image.open(io.BytesIO(data)) as image:
            buffer = io.BytesIO()
            ImageOps.exif_transpose(image).convert("RGB").save(buffer, "JPEG", quality=92)
            return buffer.getvalue()


def attachment_upload(*, actor: User, upload: UploadedFile) -> Attachment:
    """Check and store a file; it stays pending until a post or comment claims it."""
    from rucher.content.models import Attachment

    if not can_upload(actor):
        raise Forbidden(_("You may not upload files."))
    limit = max_bytes()
    upload.open("rb")
    handle = cast("IO[bytes]", upload)
    size = upload.size
    if size is None:  # not measured by whoever made the object: measure it
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
    if size > limit:
        raise _invalid(
            "file",
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
        )
    if size == 0:
        raise _invalid("file", _("The file is empty."))
    pending = Attachment.objects.filter(
        uploaded_by=actor, post__isnull=True, comment__isnull=True
    ).count()
    if pending >= MAX_PENDING:
        raise _invalid(
            "file",
            _("Too many files are waiting to be posted: post them or try again tomorrow."),
        )
    found = sniff(handle, upload.name or "")
    preview = _preview(handle) if found.image_format else None
    handle.seek(0)
    stored: UploadedFile | ContentFile[bytes] = upload
    if found.image_format == "JPEG":
        stored = ContentFile(_without_metadata(handle.read()))
        size = stored.size
    attachment = Attachment(
        uploaded_by=actor,
        name=safe_name(upload.name or "", found.extensions),
        content_type=found.content_type,
        size=size,
        width=preview.width if preview else None,
        height=preview.height if preview else None,
        created_at=clock.now(),
    )
    try:
        attachment.file.save("file", stored, save=False)
        if preview is not None:
            attachment.thumbnail.save("preview", preview.content, save=False)
        with transaction.atomic():
            attachment.save()
            events.record(
                actor=actor,
                verb="attachment.uploaded",
                target=attachment,
                # Never the name: it may say what a secret community is about.
                payload={"content_type": found.content_type, "size": size},
            )
    except Exception:
        for field in (attachment.file, attachment.thumbnail):
            if field and field.name:
                field.storage.delete(field.name)
        raise
    return attachment


@transaction.atomic
def attachments_claim(
    *, actor: User, post: Post, comment: Comment | None, ids: Sequence[int]
) -> list[Attachment]:
    """Attach the actor's own pending uploads to ``post`` (and ``comment``), in ``ids``'
    order. Called inside the post or comment service's transaction."""
    from rucher.content.models import Attachment

    try:
        wanted = list(dict.fromkeys(int(pk) for pk in ids))
    except (TypeError, ValueError):
        raise _invalid("attachments", _("Unknown file.")) from None
    if not wanted:
        return []
    item = comment if comment is not None else post
    if item.author_id != actor.pk or (comment is not None and comment.post_id != post.pk):
        raise Forbidden(_("Only the author attaches files."))
    already = Attachment.objects.filter(post=post, comment=comment).count()
    if already + len(wanted) > MAX_PER_ITEM:
        raise _invalid("attachments", _("At most %d files per post or comment.") % MAX_PER_ITEM)
    found = {
        attachment.pk: attachment
        for attachment in Attachment.objects.select_for_update().filter(
            pk__in=wanted, uploaded_by=actor, post__isnull=True, comment__isnull=True
        )
    }
    if len(found) != len(wanted):
        # Someone else's, already used or purged: the same answer for all.
        raise _invalid("attachments", _("A file is no longer available: upload it again."))
    Attachment.objects.filter(pk__in=wanted).update(post=post, comment=comment)
    claimed = []
    for pk in wanted:
        attachment = found[pk]
        attachment.post, attachment.comment = post, comment
        claimed.append(attachment)
    return claimed


@transaction.atomic
def attachments_purge_pending(older_than: timedelta = PENDING_LIFETIME) -> int:
    """Delete the uploads never attached within ``older_than``; their files go after commit.
    Returns how many were deleted."""
    from rucher.content.models import Attachment

    stale = list(
        Attachment.objects.select_for_update().filter(
            post__isnull=True, comment__isnull=True, created_at__lt=clock.now() - older_than
        )
    )
    for attachment in stale:
        delete_file_after_commit(attachment.file)
        delete_file_after_commit(attachment.thumbnail)
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in stale]).delete()
    return len(stale)


# ---------------------------------------------------------------- downloads


def attachment_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """The file (or an image's preview) for a viewer ``policy.access_attachment`` let in.

    A download, never a page: ``attachment`` disposition (only an image's preview is shown
    inline), the sniffed content type, ``nosniff``, a CSP that forbids everything and
    sandboxes the document, private caching only. ``NotFound`` if there is no such file.
    """
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field or not field.name:
        raise NotFound("attachment")
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound("attachment") from None
    if thumbnail:
        head = handle.read(8)
        handle.seek(0)
        content_type = "image/png" if head.startswith(b"\x89PNG") else "image/jpeg"
        name = safe_name(attachment.name, ("png",) if content_type == "image/png" else ("jpg",))
    else:
        content_type, name = attachment.content_type, attachment.name
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, inline=thumbnail)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
