"""Attachments: only real JPEG, PNG and PDF content is kept, and photos lose their EXIF/GPS data."""

import hashlib
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from clues.attachments import MAX_ATTACHMENTS, store_attachment, validate_upload, validate_uploads
from clues.models import Attachment
from tests.factories import ClueFactory

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def jpeg_with_gps(size=(64, 32), orientation=6):
    """A phone-like photo: rotated by EXIF, with GPS position, camera make and a comment."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1]))  # left half blue, to check the rotation
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.BodySerialNumber] = "SN-0474-SECRET"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (40.0, 59.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (113.0, 7.0, 0.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at site 3")
    return out.getvalue()


def png_bytes(size=(40, 20), mode="RGBA", text=None):
    image = Image.new(mode, size)
    info = None
    if text:
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", text)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def messages(exc_info):
    return [str(m) for m in exc_info.value.messages]


@pytest.mark.django_db
def test_a_photo_is_stored_upright_without_exif_gps_or_comment():
    original = jpeg_with_gps()
    assert b"Xiaomi" in original

    attachment = store_attachment(ClueFactory(), upload("工地照片.jpg", original, "image/jpeg"))

    stored = attachment.file.read()
    attachment.file.close()
    for secret in (b"Exif", b"Xiaomi", b"SN-0474-SECRET", b"taken at site 3"):
        assert secret not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "comment" not in image.info
    # Orientation 6 means "rotate 90° clockwise to view": the 64×32 picture is now 32×64, blue on top.
    assert image.size == (32, 64)
    red, green, blue = image.convert("RGB").getpixel((16, 5))
    assert blue > 150 and red < 80
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == "工地照片.jpg"
    assert attachment.size == len(stored)
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()


@pytest.mark.django_db
def test_the_stored_file_gets_a_random_name_in_a_month_folder():
    first = store_attachment(ClueFactory(), upload("张三身份证.jpg", jpeg_with_gps(), "image/jpeg"))
    second = store_attachment(ClueFactory(), upload("张三身份证.jpg", jpeg_with_gps(), "image/jpeg"))

    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", first.file.name)
    assert "张三" not in first.file.name
    assert first.file.name != second.file.name


@pytest.mark.django_db
def test_a_png_is_reencoded_without_its_text_chunks():
    attachment = store_attachment(ClueFactory(), upload("截图.png", png_bytes(text="王勇 13800138000")))

    stored = attachment.file.read()
    attachment.file.close()
    assert b"13800138000" not in stored
    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.size, image.mode) == ("PNG", (40, 20), "RGBA")
    assert "Author" not in image.info
    assert attachment.content_type == "image/png"
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.png", attachment.file.name)


@pytest.mark.django_db
def test_a_pdf_is_stored_as_it_is():
    attachment = store_attachment(ClueFactory(), upload("劳动合同.pdf", MINIMAL_PDF, "application/pdf"))

    stored = attachment.file.read()
    attachment.file.close()
    assert stored == MINIMAL_PDF
    assert attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert attachment.file.name.endswith(".pdf")


def test_the_type_is_read_from_the_content_not_the_name():
    assert validate_upload(upload("scan.bin", MINIMAL_PDF)) == "application/pdf"
    assert validate_upload(upload("photo.pdf", png_bytes())) == "image/png"


def _zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize("content", [
    _zip_bytes(),
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200,
    b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    b"just some text",
], ids=["zip", "exe", "html", "text"])
@pytest.mark.django_db
def test_a_file_named_jpg_that_is_something_else_is_refused(content):
    clue = ClueFactory()

    with pytest.raises(ValidationError) as exc_info:
        store_attachment(clue, upload("photo.jpg", content, "image/jpeg"))

    assert messages(exc_info) == ["文件“photo.jpg”的内容不是JPEG、PNG或PDF"]
    assert not Attachment.objects.filter(clue=clue).exists()


def test_a_truncated_photo_is_refused():
    data = jpeg_with_gps(size=(400, 300))

    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("half.jpg", data[: len(data) // 2]))

    assert messages(exc_info) == ["图片“half.jpg”已损坏或不完整,无法打开"]


def test_a_decompression_bomb_is_refused_before_decoding():
    # 8000×6000 = 48 megapixels of nothing compress to a few kilobytes.
    bomb = png_bytes(size=(8000, 6000), mode="1")
    assert len(bomb) < 100_000

    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("bomb.png", bomb))

    assert messages(exc_info) == ["图片“bomb.png”像素过多(超过1600万像素)"]


def test_a_file_over_10mb_is_refused():
    big = MINIMAL_PDF + b"\0" * (10 * 1024 * 1024)

    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("工资表.pdf", big))

    assert messages(exc_info) == ["文件“工资表.pdf”超过10MB"]


def test_the_size_limit_is_a_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = 2048

    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("a.pdf", MINIMAL_PDF + b"\0" * 2048))

    assert messages(exc_info) == ["文件“a.pdf”超过2KB"]
    assert validate_upload(upload("b.pdf", MINIMAL_PDF)) == "application/pdf"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("empty.jpg", b""))

    assert messages(exc_info) == ["文件“empty.jpg”是空文件"]


def test_six_files_are_refused():
    files = [upload(f"{n}.pdf", MINIMAL_PDF) for n in range(MAX_ATTACHMENTS + 1)]

    with pytest.raises(ValidationError) as exc_info:
        validate_uploads(files)

    assert messages(exc_info) == ["最多上传5个附件,您选择了6个"]
    validate_uploads(files[:MAX_ATTACHMENTS])


def test_every_bad_file_is_reported():
    files = [upload("ok.pdf", MINIMAL_PDF), upload("a.jpg", b"text"), upload("b.png", b"<html>")]

    with pytest.raises(ValidationError) as exc_info:
        validate_uploads(files)

    assert messages(exc_info) == ["文件“a.jpg”的内容不是JPEG、PNG或PDF", "文件“b.png”的内容不是JPEG、PNG或PDF"]


@pytest.mark.django_db
def test_the_original_name_is_sanitised():
    long_name = "工" * 300 + ".pdf"

    traversal = store_attachment(ClueFactory(), upload("..\\..\\etc/passwd\x00.pdf", MINIMAL_PDF))
    long = store_attachment(ClueFactory(), upload(long_name, MINIMAL_PDF))

    assert traversal.original_name == "passwd.pdf"
    assert len(long.original_name) == 200
    assert long.original_name.endswith(".pdf")
