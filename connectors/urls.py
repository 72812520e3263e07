"""Interactive authorization flows (the "Connect to Exact Online" redirect and its callback).

One callback URL for every connection: the vendor app registers a single redirect URI, and the
signed `state` says which connection the answer belongs to.
"""

from django.urls import path

from connectors import views

app_name = "connectors"

urlpatterns = [
    path("<int:pk>/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
]
