from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import health

admin.site.site_header = "ml-connector"
admin.site.site_title = "ml-connector"
admin.site.index_title = "Walmart Marketplace ⇄ ERP"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("connect/", include("connectors.urls")),
    path("webhooks/", include("syncs.intake.urls")),
    path("admin/", admin.site.urls),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
