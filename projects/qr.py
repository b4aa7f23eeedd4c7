"""The 乌兰·薪 QR codes: one per registered project and one city-wide, as SVG, PNG and an A4 poster.

A code holds SITE_BASE_URL + /q/<public_id>/ (the city-wide one /q/): the project's public_id never changes,
so a printed poster keeps working after the project is renamed or re-coded.
"""

import io

import segno
from django.conf import settings
from django.urls import reverse

# Level Q (25 % of the code may be lost): posters hang outdoors on building sites and get dirty and torn.
ERROR_LEVEL = "q"
BORDER = 4  # the quiet zone the standard asks for, in modules
PNG_SCALE = 10
SVG_SCALE = 10


def qr_path(project=None):
    if project is None:
        return reverse("public:qr_city")
    return reverse("public:qr_project", kwargs={"public_id": project.public_id})


def qr_url(project=None):
    """The absolute URL a project's code (or the city-wide code, for None) opens."""
    return f"{settings.SITE_BASE_URL}{qr_path(project)}"


def make_qr(project=None):
    return segno.make(qr_url(project), error=ERROR_LEVEL, micro=False)


def qr_svg(project=None, *, scale=SVG_SCALE):
    buffer = io.BytesIO()
    make_qr(project).save(buffer, kind="svg", scale=scale, border=BORDER, title=qr_url(project))
    return buffer.getvalue()


def qr_png(project=None, *, scale=PNG_SCALE):
    buffer = io.BytesIO()
    make_qr(project).save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()


def qr_svg_inline(project=None):
    """An <svg> element without a fixed size (it fills its box), for the poster and staff pages."""
    return make_qr(project).svg_inline(scale=1, border=BORDER, omitsize=True, svgclass="qr-code")


def qr_filename(project=None, extension="png"):
    name = f"ulanxin-qr-{project.code}" if project is not None else "ulanxin-qr-city"
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name)
    return f"{safe}.{extension}"
