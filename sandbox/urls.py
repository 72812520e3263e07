"""All emulators, mounted under /sandbox/<system>/ when SANDBOX_ENABLED."""

from django.urls import include, path

from sandbox.models import SYSTEMS

urlpatterns = [path(f"{system}/", include(f"sandbox.{system}.urls")) for system in SYSTEMS]
