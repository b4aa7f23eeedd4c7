"""Top-level URLs: staff pages, public pages, the API under /api/v1/, the schema and the admin."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from accounts.views import LogoutView
from core import views as core_views

# Swagger UI: its own script comes from our server (the split view, no inline script); its bundle from the CDN.
SWAGGER_CDN = "https://cdn.jsdelivr.net"
SWAGGER_UI = csp_update({"script-src": [SWAGGER_CDN], "style-src": [SWAGGER_CDN], "img-src": [SWAGGER_CDN]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SWAGGER_UI, name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("clues.public_urls")),
    path("clues/", include("clues.urls")),
    path("", include("dispatch.urls")),
    path("", include("supervision.urls")),
    path("notices/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("projects/", include("projects.urls")),
    path("", include("wage_warnings.urls")),
    path("", include("credit.urls")),
    path("", include("campaigns.urls")),
]

# Uploaded files (attachments hold personal data) are never served as /media/: views check permissions.
admin.site.site_header = _("乌兰·薪 管理后台")
admin.site.site_title = _("乌兰·薪")
admin.site.index_title = _("平台管理")

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
