"""URLs of the IFS Cloud emulator, mounted at /sandbox/ifs_cloud/ (so the connection's base_url is
<site>/sandbox/ifs_cloud, as a tenant's is https://<host>)."""

from django.urls import path, re_path

from sandbox.ifs_cloud import auth, router

urlpatterns = [
    path("auth/realms/<str:realm>/protocol/openid-connect/token", auth.token),
    re_path(
        r"^main/ifsapplications/projection/v1/(?P<projection>\w+)\.svc/(?P<segment>\w+)"
        r"(?:\((?P<keys>[^\)]*)\))?(?:/(?P<navigation>[\w.]+))?$",
        router.dispatch,
    ),
]
