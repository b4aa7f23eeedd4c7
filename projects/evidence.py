"""Evidence files of duties and allocations (an agreement's scan, a deposit receipt, the notice board's photo):
JPEG, PNG or PDF checked by content, the size before reading and the pixel count from the header before
decoding; photos are re-encoded without EXIF. Checked before any transaction opens.
"""

import io
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

KINDS = {"image/jpeg": ("jpg", "JPEG"), "image/png": ("png", "PNG"), "application/pdf": ("pdf", None)}
IMAGE_KINDS = ("image/jpeg", "image/png")


@dataclass(frozen=True)
class Evidence:
    mime: str
    data: bytes

    @property
    def is_image(self):
        return self.mime in IMAGE_KINDS

    def store(self, field_file, stem):
        """Save into a FileField of an unsaved change (the caller saves the row)."""
        field_file.save(f"{stem}.{KINDS[self.mime][0]}", ContentFile(self.data), save=False)


def _limit_text(size):
    return f"{size // (1024 * 1024)}MB" if size >= 1024 * 1024 else f"{size // 1024}KB"


def check_evidence(upload, *, images_only=False):
    """Validate one uploaded file; return an Evidence ready to store, or raise ValidationError (Chinese)."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if getattr(upload, "size", 0) and upload.size > limit:
        raise ValidationError(_("文件超过%(limit)s。") % {"limit": _limit_text(limit)}, code="too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("文件超过%(limit)s。") % {"limit": _limit_text(limit)}, code="too_large")
    if not data:
        raise ValidationError(_("文件是空的。"), code="empty")
    guessed = filetype.guess(data[:8192])
    mime = "image/png" if guessed is not None and guessed.mime == "image/apng" else getattr(guessed, "mime", "")
    allowed = IMAGE_KINDS if images_only else tuple(KINDS)
    if mime not in allowed:
        if images_only:
            raise ValidationError(_("请上传JPEG或PNG照片。"), code="type")
        raise ValidationError(_("证明材料只能是JPEG、PNG照片或PDF文件。"), code="type")
    if mime in IMAGE_KINDS:
        data = _reencode(data, KINDS[mime][1])
    return Evidence(mime=mime, data=data)


def _reencode(data, pillow_format):
    corrupt = ValidationError(_("图片已损坏或不完整,无法打开。"), code="corrupt")
    too_big = ValidationError(_("图片像素过多(超过%(n)s万像素)。") % {"n": settings.ATTACHMENT_MAX_PIXELS // 10000},
                              code="too_many_pixels")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > settings.ATTACHMENT_MAX_PIXELS:
                raise too_big
            if image.format != pillow_format:
                raise corrupt
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise corrupt from None
    out = io.BytesIO()
    if pillow_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85)
    else:
        image.save(out, "PNG")
    return out.getvalue()
