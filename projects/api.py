"""The QR endpoints: a project's code (SVG, PNG, A4 poster) and the city-wide code, public and cacheable.

A poster is printed and posted at the site anyway, so these need no account. Errors (an unknown project code)
are JSON in the API's one format, whatever the image type asked for.
"""

from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Project
from .qr import qr_filename, qr_png, qr_svg, qr_svg_inline, qr_url

CACHE_SECONDS = 3600


class _BytesRenderer(BaseRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class SvgRenderer(_BytesRenderer):
    media_type = "image/svg+xml"
    format = "svg"
    charset = None


class PngRenderer(_BytesRenderer):
    media_type = "image/png"
    format = "png"
    charset = None


class HtmlRenderer(_BytesRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"


class FirstRenderer(BaseContentNegotiation):
    """An image URL answers with its image, whatever the Accept header says (browsers, printers, curl)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class QrView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    content_negotiation_class = FirstRenderer
    kind = "svg"

    def project(self):
        code = self.kwargs.get("code")
        if code is None:
            return None
        return get_object_or_404(Project.objects.select_related("district", "sector"), code=code)

    def get(self, request, code=None):
        project = self.project()
        if self.kind == "png":
            body = qr_png(project)
        elif self.kind == "svg":
            body = qr_svg(project)
        else:
            body = render_to_string("projects/poster.html", {
                "project": project, "qr_svg": qr_svg_inline(project), "qr_url": qr_url(project),
            }, request=request).encode()
        response = Response(body)
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        if self.kind in ("png", "svg"):
            response["Content-Disposition"] = f'inline; filename="{qr_filename(project, self.kind)}"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
            response.renderer_context = self.get_renderer_context()
        return response


_SVG = OpenApiResponse(response=bytes, description=_("SVG 矢量图,适合印刷"))
_PNG = OpenApiResponse(response=bytes, description=_("PNG 图片"))
_HTML = OpenApiResponse(response=str, description=_("A4 打印海报(HTML,用浏览器打印)"))
_MISSING = OpenApiResponse(description=_("没有这个项目编号"))


class ProjectQrSvgView(QrView):
    """The project's 乌兰·薪 code as SVG."""

    renderer_classes = [SvgRenderer]
    kind = "svg"

    @extend_schema(tags=["qr"], operation_id="project_qr_svg", responses={(200, "image/svg+xml"): _SVG,
                                                                         404: _MISSING})
    def get(self, request, code=None):
        return super().get(request, code)


class ProjectQrPngView(QrView):
    """The project's 乌兰·薪 code as PNG."""

    renderer_classes = [PngRenderer]
    kind = "png"

    @extend_schema(tags=["qr"], operation_id="project_qr_png", responses={(200, "image/png"): _PNG,
                                                                         404: _MISSING})
    def get(self, request, code=None):
        return super().get(request, code)


class ProjectPosterView(QrView):
    """A printable A4 poster: the project, its code, how to file a clue, the 12333 hotline."""

    renderer_classes = [HtmlRenderer]
    kind = "poster"

    @extend_schema(tags=["qr"], operation_id="project_qr_poster", responses={(200, "text/html"): _HTML,
                                                                            404: _MISSING})
    def get(self, request, code=None):
        return super().get(request, code)


class CityQrSvgView(ProjectQrSvgView):
    """The city-wide 乌兰·薪 code (no project) as SVG."""

    @extend_schema(tags=["qr"], operation_id="city_qr_svg", responses={(200, "image/svg+xml"): _SVG})
    def get(self, request, code=None):
        return QrView.get(self, request)


class CityQrPngView(ProjectQrPngView):
    """The city-wide 乌兰·薪 code as PNG."""

    @extend_schema(tags=["qr"], operation_id="city_qr_png", responses={(200, "image/png"): _PNG})
    def get(self, request, code=None):
        return QrView.get(self, request)


class CityPosterView(ProjectPosterView):
    """The city-wide A4 poster (squares, job fairs, service halls)."""

    @extend_schema(tags=["qr"], operation_id="city_qr_poster", responses={(200, "text/html"): _HTML})
    def get(self, request, code=None):
        return QrView.get(self, request)
