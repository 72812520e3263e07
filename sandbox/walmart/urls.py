"""URLs of the Walmart Marketplace emulator, mounted at /sandbox/walmart/ (paths as in walmart/openapi/).

Orders, returns and webhooks are in this app; items, inventory, prices, feeds and settings in
sandbox.walmart_listings.
"""

from django.urls import include, path

from sandbox.walmart import auth

urlpatterns = [
    path("v3/token", auth.token),
    path("v3/token/detail", auth.token_detail),
    path("", include("sandbox.walmart_listings.urls")),
]
