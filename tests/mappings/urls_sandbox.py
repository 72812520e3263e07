"""The admin plus the emulators, for tests that drive the admin against the sandbox's live server."""

from django.urls import include, path

from tests.mappings.urls import urlpatterns as admin_only

urlpatterns = [*admin_only, path("sandbox/", include("sandbox.urls"))]
