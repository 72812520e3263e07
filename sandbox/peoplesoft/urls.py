"""URLs of the PeopleSoft emulator, mounted at /sandbox/peoplesoft/ (paths as on a real gateway)."""

from django.urls import path

from sandbox.peoplesoft import gateway, queries, receipts

REST = "PSIGW/RESTListeningConnector/<str:node>/"

urlpatterns = [
    path("oauth2/v1/token", gateway.token),
    path(REST + "ExecuteQuery.v1/<str:owner>/<str:query>/<str:output>/<str:destination>", queries.execute_query),
    path(REST + "<str:name>", receipts.create_receipt),
]
