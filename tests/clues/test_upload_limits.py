"""Uploads cannot exhaust the server: the rate limit and the sizes are checked before a file is read, an image
over the pixel limit is refused from its header, each image is decoded once and never inside a database
transaction, and a body over the limit is refused (413, in Chinese) before it is read."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from PIL import Image, ImageFile

from clues import attachments
from clues.models import Attachment, Clue

from .test_public_form import form_data


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def decodes(monkeypatch):
    """Every Image.open of an attachment, with whether a database transaction was open at that moment."""
    seen = []
    real_open = Image.open

    def spy(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(attachments.Image, "open", spy)
    return seen


def png(size, mode="RGB", name="photo.png"):
    out = io.BytesIO()
    Image.new(mode, size, 0 if mode == "1" else (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_a_6300_by_6300_png_is_refused_from_its_header_without_decoding(client, monkeypatch):
    loads = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self.size) or real_load(self))
    bomb = png((6300, 6300), mode="1", name="bomb.png")
    assert bomb.size < 200_000
    response = client.post("/report/", {**form_data(), "attachments": [bomb]})
    assert response.status_code == 200
    assert "图片“bomb.png”像素过多(超过1600万像素)" in response.content.decode()
    assert loads == []
    assert not Clue.objects.exists()


@pytest.mark.django_db
# A cache of this process alone: another xdist worker clearing the shared Redis must not reset the count.
@override_settings(PUBLIC_RATE_LIMIT="1/m",
                   CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_rate_limited_submission_reads_no_file(client, decodes):
    assert client.post("/report/", form_data(idempotency_key="first-rendering-0001")).status_code == 302
    response = client.post("/report/", {**form_data(idempotency_key="second-rendering-002", complainant_name="李四"),
                                        "attachments": [png((3000, 3000)) for _n in range(5)]})
    assert response.status_code == 429
    assert 'value="李四"' in response.content.decode()
    assert decodes == []
    assert Clue.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_each_image_is_decoded_once_and_outside_any_transaction(client, decodes):
    response = client.post("/report/", {**form_data(), "attachments": [png((400, 300), name=f"p{n}.png")
                                                                       for n in range(3)]})
    assert response.status_code == 302
    assert Attachment.objects.count() == 3
    assert decodes == [False, False, False]


@pytest.mark.django_db(transaction=True)
def test_the_api_decodes_outside_any_transaction_too(api_client, decodes):
    data = {key: value for key, value in form_data().items() if key not in ("entry", "idempotency_key")}
    response = api_client.post("/api/v1/public/clues/", {**data, "consent": "true",
                                                         "attachments": [png((400, 300))]}, format="multipart")
    assert response.status_code == 201, response.content
    assert decodes == [False]


def test_the_upload_settings_hold_no_request_in_memory_beyond_a_few_megabytes(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 3 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 3 * 1024 * 1024
    assert settings.REQUEST_MAX_BYTES <= 5 * settings.ATTACHMENT_MAX_BYTES + 2 * 1024 * 1024
    assert settings.ATTACHMENT_MAX_PIXELS <= 16_000_000


@pytest.mark.django_db
def test_a_150_mb_form_is_refused_before_it_is_read(client):
    response = client.post("/report/", b"x" * 1000, content_type="multipart/form-data; boundary=zzz",
                           CONTENT_LENGTH=str(150 * 1024 * 1024))
    assert response.status_code == 413
    assert "提交的内容过大(超过51MB)" in response.content.decode()


@pytest.mark.django_db
def test_a_150_mb_api_upload_gets_413_in_the_error_format(api_client):
    response = api_client.generic("POST", "/api/v1/public/clues/", b"x" * 1000,
                                  content_type="multipart/form-data; boundary=zzz",
                                  CONTENT_LENGTH=str(150 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.django_db
def test_a_json_body_over_the_text_limit_gets_413(api_client):
    body = b'{"description": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    response = api_client.generic("POST", "/api/v1/public/clues/", body, content_type="application/json")
    assert response.status_code == 413
    assert "提交的内容过大" in response.json()["error"]["message"]
