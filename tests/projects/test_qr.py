"""The 乌兰·薪 QR codes: what they decode to, that they survive a rename, the poster and the staff list."""

import shutil
import subprocess

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def decode(png_bytes, tmp_path):
    """What a phone's camera reads from the code (zbarimg, from zbar-tools)."""
    if not shutil.which("zbarimg"):
        pytest.skip("needs zbarimg (apt-get install zbar-tools)")
    path = tmp_path / "code.png"
    path.write_bytes(png_bytes)
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_project_code_opens_the_form_for_that_project(client, tmp_path):
    project = ProjectFactory(code="WLCB-2026-0001", name="集宁区老旧小区改造工程")
    response = client.get("/api/v1/projects/WLCB-2026-0001/qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    url = decode(response.content, tmp_path)
    assert url == f"http://127.0.0.1:8000/q/{project.public_id}/"
    form = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert "集宁区老旧小区改造工程" in form.content.decode()


def test_a_printed_code_survives_renaming_and_recoding_the_project(client, tmp_path):
    project = ProjectFactory(code="WLCB-2026-0001", name="老名字工程")
    printed = decode(client.get("/api/v1/projects/WLCB-2026-0001/qr.png").content, tmp_path)
    Project.objects.filter(pk=project.pk).update(name="集宁区老旧小区改造工程(一期)", code="WLCB-2026-0101")
    assert decode(client.get("/api/v1/projects/WLCB-2026-0101/qr.png").content, tmp_path) == printed
    html = client.get(printed.removeprefix("http://127.0.0.1:8000")).content.decode()
    assert "集宁区老旧小区改造工程(一期)" in html and "老名字工程" not in html
    assert 'name="project_code" value="WLCB-2026-0101"' in html


def test_the_city_wide_code_opens_the_form_without_a_project(client, tmp_path):
    response = client.get("/api/v1/public/qr.png")
    assert decode(response.content, tmp_path) == "http://127.0.0.1:8000/q/"


@override_settings(SITE_BASE_URL="https://ulanxin.wulanchabu.gov.cn")
def test_the_code_holds_the_site_base_url(client, tmp_path):
    project = ProjectFactory()
    response = client.get(f"/api/v1/projects/{project.code}/qr.png")
    assert decode(response.content, tmp_path) == f"https://ulanxin.wulanchabu.gov.cn/q/{project.public_id}/"


def test_svg_codes_for_print(client):
    project = ProjectFactory()
    response = client.get(f"/api/v1/projects/{project.code}/qr.svg")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert body.lstrip().startswith("<?xml") and "<svg" in body and "<path" in body
    assert f"/q/{project.public_id}/" in body  # the title says what it opens
    city = client.get("/api/v1/public/qr.svg")
    assert city["Content-Type"] == "image/svg+xml" and "http://127.0.0.1:8000/q/" in city.content.decode()


def test_images_come_back_whatever_the_client_accepts_and_may_be_cached(client):
    project = ProjectFactory()
    response = client.get(f"/api/v1/projects/{project.code}/qr.png", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("suffix", ["qr.svg", "qr.png", "poster"])
def test_an_unknown_project_is_a_404_in_the_error_format(client, suffix):
    response = client.get(f"/api/v1/projects/NO-SUCH-PROJECT/{suffix}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "未找到。", "fields": {}}}
    assert "Cache-Control" not in response or "public" not in response["Cache-Control"]


def test_the_poster_is_a_printable_a4_page_with_the_code_and_the_hotline(client):
    project = ProjectFactory(name="卓资县三北防护林工程", code="WLCB-2026-0002", wage_manager="石建军",
                             wage_manager_phone="13947400002")
    response = client.get("/api/v1/projects/WLCB-2026-0002/poster")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "卓资县三北防护林工程" in html and "WLCB-2026-0002" in html
    assert "12333" in html and "怎样反映" in html and "石建军" in html
    assert '<svg viewBox="0 0' in html  # the code itself, sized by the sheet
    assert f"http://127.0.0.1:8000/q/{project.public_id}/" in html
    assert "/static/css/public.css" in html
    css = open(finders.find("css/public.css"), encoding="utf-8").read()
    assert "@page { size: A4 portrait;" in css


def test_the_city_wide_poster(client):
    html = client.get("/api/v1/public/poster").content.decode()
    assert "乌兰察布市欠薪线索反映平台" in html and "12333" in html and "http://127.0.0.1:8000/q/" in html


def test_the_qr_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in ("/api/v1/projects/{code}/qr.svg", "/api/v1/projects/{code}/qr.png",
                 "/api/v1/projects/{code}/poster", "/api/v1/public/qr.svg"):
        assert path in paths, path


# --- the staff page ------------------------------------------------------------------------------------------

def test_the_project_list_needs_a_login(client):
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_staff_see_every_project_with_its_poster_links(client, intake_user, django_assert_max_num_queries):
    for index in range(30):
        ProjectFactory(code=f"WLCB-2026-{index:04d}")
    ProjectFactory(code="WLCB-2025-0099", name="已完工的工程", status=Project.Status.COMPLETED)
    client.force_login(intake_user)
    with django_assert_max_num_queries(8):
        response = client.get("/projects/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("/poster\"") == 30 + 1  # every open project, plus the city-wide poster
    assert 'href="/api/v1/projects/WLCB-2026-0007/qr.svg"' in html
    assert "已完工的工程" in html and "已停用" in html
    assert 'href="/api/v1/public/poster"' in html


def test_staff_search_the_project_list(client, intake_user):
    ProjectFactory(code="WLCB-2026-0001", name="集宁区老旧小区改造工程")
    ProjectFactory(code="WLCB-2026-0002", name="卓资县三北防护林工程")
    client.force_login(intake_user)
    html = client.get("/projects/", {"q": "三北"}).content.decode()
    assert "卓资县三北防护林工程" in html and "老旧小区" not in html
