"""Two writers holding the same ETag PATCH one IFS order at the same moment: exactly one wins, the
other gets 412 "changed by someone else". The emulator's version check is a conditional UPDATE, so
it holds even when both requests passed the If-Match comparison before either wrote."""

import threading

import pytest
from django.db import connection as db_connection, connections

from connectors.errors import PermanentError
from connectors.ifs_cloud.client import IfsClient
from connectors.models import Connection
from sandbox.ifs_cloud.seed import provision_connection

WRITERS = 6
HEADER = {
    "CustomerNo": "WALMART-MP", "CustomerPoNo": "WMT-RACE-1", "CurrencyCode": "USD", "Contract": "DAL1",
    "AuthorizeCode": "WALMART", "OrderId": "NO", "WantedDeliveryDate": "2026-12-04T00:00:00Z",
}


@pytest.mark.postgres_only
def test_only_one_writer_with_a_given_etag_wins(sandbox):
    if db_connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a real database server (the SQLite test DB locks whole tables)")
    conn = provision_connection("ifs-race", sandbox)
    order = IfsClient(conn).create_customer_order(HEADER)  # also caches the token for every writer
    barrier, outcomes = threading.Barrier(WRITERS), []

    def write(n):
        try:
            client = IfsClient(Connection.objects.get(pk=conn.pk))
            barrier.wait(timeout=30)
            client.patch_customer_order(order.order_no, order.etag, {"CustRef": f"writer {n}"})
            outcomes.append(("ok", n))
        except PermanentError as exc:
            outcomes.append((exc.status, n))
        finally:
            connections.close_all()  # this thread's database connection, before the test database is dropped

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(str(kind) for kind, _ in outcomes) == ["412"] * (WRITERS - 1) + ["ok"], outcomes
    winner = next(n for kind, n in outcomes if kind == "ok")
    final = IfsClient(conn).get_customer_order(order.order_no)
    assert final.data["CustRef"] == f"writer {winner}" and final.etag != order.etag
