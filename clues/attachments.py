"""Attachments of a clue: checked by content (JPEG, PNG, PDF only), images re-encoded without EXIF/GPS.

A worker's phone photo carries the GPS position of where it was taken and the phone's serial number; we keep
the picture, not that. An upload is read and decoded once, by prepare_uploads(), before any database
transaction opens; the size is checked before the file is read and the pixel count (from the header) before
any pixel is decoded.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Attachment

MAX_ATTACHMENTS = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# 16 megapixels (4:3 at 4600×3450) holds any phone's ordinary photo; decoding costs about 3 bytes a pixel, so
# five such images stay under 250 MB for one request. Beyond that an image is refused from its header alone.
DEFAULT_MAX_PIXELS = 16_000_000
JPEG_QUALITY = 85
MAX_NAME_LENGTH = 200

JPEG, PNG, PDF = Attachment.Kind.JPEG, Attachment.Kind.PNG, Attachment.Kind.PDF
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# An animated PNG is still a PNG to Pillow (we keep its first frame).
DETECTED_ALIASES = {"image/apng": PNG}


def max_bytes():
    return getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "ATTACHMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _size_text(size):
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)}MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    if size >= 1024:
        return f"{size // 1024}KB"
    return _("%(n)s字节") % {"n": size}


def sanitise_name(name):
    """A file name safe to show and store: no path, no control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[:MAX_NAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def _display_name(upload):
    return sanitise_name(getattr(upload, "name", "")) or _("附件")


def _read_all(upload):
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def _open_image(data, name, kind):
    """Open and fully decode an image, refusing corrupt, truncated and oversized ones."""
    corrupt = ValidationError(_("图片“%(name)s”已损坏或不完整,无法打开") % {"name": name}, code="corrupt")
    too_big = ValidationError(
        _("图片“%(name)s”像素过多(超过%(n)s万像素)") % {"name": name, "n": max_pixels() // 10000},
        code="too_many_pixels")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            # The header gives the size before any pixel is decoded: check it before load().
            width, height = image.size
            if width * height > max_pixels():
                raise too_big
            if image.format != PILLOW_FORMATS[kind]:
                raise corrupt
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise corrupt from None
    return image


@dataclass(frozen=True)
class PreparedAttachment:
    """An upload that passed every check, images already re-encoded: only writing it is left."""

    kind: str
    data: bytes
    name: str


def _check(upload):
    """Validate one upload; return (kind, data, display name) — data not yet re-encoded."""
    name = _display_name(upload)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise ValidationError(_("文件“%(name)s”超过%(limit)s") % {"name": name, "limit": _size_text(max_bytes())},
                              code="too_large")
    data = _read_all(upload)
    if len(data) > max_bytes():
        raise ValidationError(_("文件“%(name)s”超过%(limit)s") % {"name": name, "limit": _size_text(max_bytes())},
                              code="too_large")
    if not data:
        raise ValidationError(_("文件“%(name)s”是空文件") % {"name": name}, code="empty")
    guessed = filetype.guess(data[:8192])
    kind = guessed.mime if guessed is not None else ""
    kind = DETECTED_ALIASES.get(kind, kind)
    if kind not in EXTENSIONS:
        raise ValidationError(_("文件“%(name)s”的内容不是JPEG、PNG或PDF") % {"name": name}, code="type")
    return kind, data, name


def prepare_upload(upload):
    """Check one upload and re-encode it if it is an image (one decode); a PreparedAttachment passes as it
    is. Raises ValidationError (Chinese) unless it is a JPEG, PNG or PDF within the limits."""
    if isinstance(upload, PreparedAttachment):
        return upload
    kind, data, name = _check(upload)
    if kind in PILLOW_FORMATS:
        data = _reencode(data, kind, name)
    return PreparedAttachment(kind=kind, data=data, name=name)


def check_upload_sizes(uploads):
    """The checks that need no reading: how many files, and each one's declared size."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(_("最多上传%(n)s个附件,您选择了%(count)s个") % {"n": MAX_ATTACHMENTS,
                                                                          "count": len(uploads)},
                              code="too_many")
    errors = []
    for upload in uploads:
        size = getattr(upload, "size", None)
        if size is not None and size > max_bytes():
            errors.append(ValidationError(
                _("文件“%(name)s”超过%(limit)s") % {"name": _display_name(upload), "limit": _size_text(max_bytes())},
                code="too_large"))
    if errors:
        raise ValidationError(errors)
    return uploads


def prepare_uploads(uploads):
    """Check the number and sizes of the files before reading any, then prepare each; every problem is
    reported, not only the first. Returns the PreparedAttachments."""
    uploads = check_upload_sizes(uploads)
    errors, prepared = [], []
    for upload in uploads:
        try:
            prepared.append(prepare_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return prepared


def validate_upload(upload):
    """Raise ValidationError (Chinese) unless the upload is a JPEG, PNG or PDF within the limits; return its
    content type as detected from the bytes, whatever the name says."""
    return prepare_upload(upload).kind


def validate_uploads(uploads):
    """prepare_uploads() for a caller that only wants the verdict."""
    prepare_uploads(uploads)


def _reencode(data, kind, name):
    """The image's pixels, upright, in a new file with no metadata besides colour profile and transparency."""
    image = _open_image(data, name, kind)
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    # exif_transpose keeps the rest of the info (EXIF, XMP, comments, text chunks): none of it is copied.
    upright.info = {key: value for key, value in upright.info.items() if key == "transparency"}
    target_mode = upright.mode
    if kind == JPEG and upright.mode not in ("RGB", "L", "CMYK"):
        target_mode = "RGB"
    elif kind == PNG and upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        target_mode = "RGBA"
    options = {}
    if target_mode != upright.mode:
        upright = upright.convert(target_mode)
    elif icc_profile:
        # A profile describes the original mode; after a conversion it would be wrong.
        options["icc_profile"] = icc_profile
    out = io.BytesIO()
    if kind == JPEG:
        upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **options)
    else:
        upright.save(out, "PNG", **options)
    return out.getvalue()


def store_attachment(clue, upload):
    """Store one prepared attachment (or validate and prepare an upload) for a saved clue; return the
    Attachment."""
    prepared = prepare_upload(upload)
    kind, data, name = prepared.kind, prepared.data, prepared.name
    attachment = Attachment(clue=clue, original_name=name, content_type=kind, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest())
    # A random name: the original one may hold personal data, and must not decide where the file goes.
    attachment.file.save(f"{secrets.token_hex(16)}.{EXTENSIONS[kind]}", ContentFile(data), save=False)
    attachment.save()
    return attachment


def discard_stored(attachments):
    """Remove the files of attachments whose transaction did not commit: their rows are gone, so nothing
    else would ever point at (or delete) them."""
    for attachment in attachments:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
