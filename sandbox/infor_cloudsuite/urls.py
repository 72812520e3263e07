"""URLs of the Infor CloudSuite FSM emulator, mounted at /sandbox/infor_cloudsuite/.

An ION API Gateway with one FSM per tenant: .ionapi iu = <site>/sandbox/infor_cloudsuite,
pu = iu/<TENANT>/as/, ot = token.oauth2; FSM REST under iu/<TENANT>/FSM/fsm/api/ (the connector's
default `fsm_path`).
"""

from django.urls import path

from sandbox import ion
from sandbox.infor_cloudsuite import views

SYSTEM = views.SYSTEM
FSM = "<str:tenant>/FSM/fsm/api/classes"

urlpatterns = [
    path("ionapi/<slug:name>.ionapi", ion.download_view(SYSTEM)),
    path("<str:tenant>/as/token.oauth2", ion.token_view(SYSTEM)),
    path("<str:tenant>/as/revoke_token.oauth2", ion.revoke_view(SYSTEM)),
    path(f"{FSM}/GLTransactionInterface/actions/CreateUnreleased", views.create_one),
    path(f"{FSM}/GLTransactionInterface/actions/CreateUnreleased/batch", views.create_batch),
    path(f"{FSM}/GLTransactionInterface/actions/<str:name>", views.action),
    path(f"{FSM}/<str:cls>/lists/_generic", views.generic_list),
]
