"""URLs of the Walmart Marketplace emulator, mounted at /sandbox/walmart/ (paths as in walmart/openapi/)."""

from django.urls import path

from sandbox.walmart import auth

urlpatterns = [
    path("v3/token", auth.token),
    path("v3/token/detail", auth.token_detail),
]
