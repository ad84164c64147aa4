from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from rucher.api import api
from rucher.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("language", core_views.set_language, name="set_language"),
    path("accounts/", include("rucher.accounts.urls")),
    path("people/", include("rucher.accounts.directory_urls")),
    path("communities/", include("rucher.communities.urls")),
    path("notifications/", include("rucher.notifications.urls")),
    path("exchange/", include("rucher.exchange.urls")),
    path("analytics/", include("rucher.analytics.urls")),
    path("pilots/", include("rucher.pilots.urls")),
    path("", include("rucher.content.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler400 = "rucher.core.views.bad_request"
handler403 = "rucher.core.views.permission_denied"
handler404 = "rucher.core.views.page_not_found"
handler500 = "rucher.core.views.server_error"
