"""URLs of the Infor M3 emulator, mounted at /sandbox/infor_m3/ (an ION API Gateway with one M3 per tenant).

.ionapi: iu = <site>/sandbox/infor_m3, pu = iu/<TENANT>/as/, ot = token.oauth2; API base = iu/<TENANT>.
"""

from django.urls import path, re_path

from sandbox import ion
from sandbox.infor_m3 import batch, deliveries, master, mi, orders  # noqa: F401  (importing registers the MI programs)

SYSTEM = mi.SYSTEM

urlpatterns = [
    path("ionapi/<slug:name>.ionapi", ion.download_view(SYSTEM)),
    path("<str:tenant>/as/token.oauth2", ion.token_view(SYSTEM)),
    path("<str:tenant>/as/revoke_token.oauth2", ion.revoke_view(SYSTEM)),
    path("<str:tenant>/M3/m3api-rest/v2/execute", mi.execute_bulk),
    # Matrix parameters (;cono=..;maxrecs=..) stay in the path segments; mi parses them.
    re_path(r"^(?P<tenant>[^/]+)/M3/m3api-rest/v2/execute/(?P<program>[^/]+)/(?P<transaction>[^/]+)$", mi.execute_one),
]
