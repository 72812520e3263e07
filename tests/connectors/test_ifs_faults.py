"""Each sandbox fault mode, as the IFS client meets it over real HTTP, and how it is classified."""

import time
from decimal import Decimal

import pytest

from connectors.errors import AmbiguousOutcome, RecoverableError
from connectors.ifs_cloud.adapter import Adapter
from connectors.ifs_cloud.client import IfsClient
from sandbox import clock
from sandbox.ifs_cloud import stats
from sandbox.ifs_cloud.models import CustomerOrder
from sandbox.ifs_cloud.seed import provision_connection, seed_demo
from sandbox.models import Call, Fault

HEADER = {
    "CustomerNo": "WALMART-MP", "CustomerPoNo": "WMT-9000001-1", "CurrencyCode": "USD", "Contract": "DAL1",
    "AuthorizeCode": "WALMART", "OrderId": "NO", "WantedDeliveryDate": "2026-12-04T00:00:00Z",
}


@pytest.fixture
def client(sandbox):
    client = IfsClient(provision_connection("ifs", sandbox))
    client.company_site("10", "DAL1")  # token obtained before the fault, so the fault meets a business call
    return client


def read_timeout(client, seconds):
    """Set the connection's read timeout (after warming up: a cold test server may need more than 1 s)."""
    client.connection.config = {**client.connection.config, "read_timeout": seconds}
    client.connection.save()


def fault(mode, **kwargs):
    return Fault.objects.create(system="ifs_cloud", mode=mode, starts_at=clock.now(), **kwargs)


def wait_for_the_delayed_answer():
    """The emulator still serves a timed-out request after the client gave up; wait until it has (it
    logs the call when done), so its write lands before we reconcile and before the test database goes."""
    deadline = time.monotonic() + 15
    while not Call.objects.filter(system="ifs_cloud", fault="timeout").exists():
        assert time.monotonic() < deadline, "the emulator never finished the delayed request"
        time.sleep(0.2)
    time.sleep(0.3)


def test_throttle_is_recoverable_with_retry_after(client):
    fault("throttle", seconds=7)
    with pytest.raises(RecoverableError) as throttled:
        client.stock(["ITM00001"], "DAL1")
    assert throttled.value.status == 429 and throttled.value.retry_after == 7
    assert Call.objects.filter(system="ifs_cloud", status=429).count() == 1


def test_latency_slows_but_succeeds(client):
    fault("latency", seconds=0.4)
    started = time.monotonic()
    assert client.company_site("10", "DAL1") is not None
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize("mode, status", [("error", 500), ("outage", 503)])
def test_server_errors_are_recoverable(client, mode, status):
    fault(mode)
    with pytest.raises(RecoverableError) as failed:
        client.stock(["ITM00001"], "DAL1")
    assert failed.value.status == status


def test_a_timeout_on_a_read_is_recoverable(client):
    read_timeout(client, 1)
    fault("timeout", seconds=2)
    with pytest.raises(RecoverableError, match="no answer"):
        client.stock(["ITM00001"], "DAL1")
    wait_for_the_delayed_answer()


def test_a_timeout_on_create_is_ambiguous(client):
    read_timeout(client, 1)
    fault("timeout", seconds=2, method="POST")
    with pytest.raises(AmbiguousOutcome):
        client.create_customer_order(HEADER)
    read_timeout(client, None)
    wait_for_the_delayed_answer()
    found = Adapter(client.connection).find_document(HEADER["CustomerPoNo"])
    assert found is not None and found.data["duplicates"] == []


def test_drop_after_commit_then_find_document_finds_exactly_one(client):
    fault("drop_after_commit", method="POST", path_contains="CustomerOrderSet")
    with pytest.raises(AmbiguousOutcome):
        client.create_customer_order(HEADER)
    Fault.objects.all().delete()
    adapter = Adapter(client.connection)
    found = adapter.find_document(HEADER["CustomerPoNo"])
    assert found is not None and found.data["duplicates"] == []
    assert CustomerOrder.objects.filter(customer_po_no=HEADER["CustomerPoNo"]).count() == 1
    assert stats.duplicate_references() == 0


def test_stale_projection_metadata_is_retried_once(sandbox):
    client = IfsClient(provision_connection("ifs", sandbox, stale_metadata_calls=1))
    order = client.create_customer_order(HEADER)  # first answer: 500 MI_MODIFIED_ERROR, the retry succeeds
    assert order.order_no and CustomerOrder.objects.count() == 1
    assert Call.objects.filter(system="ifs_cloud", status=500).count() == 1


def test_stale_projection_metadata_twice_is_recoverable(sandbox):
    seed_demo()
    client = IfsClient(provision_connection("ifs", sandbox, stale_metadata_calls=2))
    with pytest.raises(RecoverableError) as failed:
        client.price_query("ITM00001", customer_no="WALMART-MP", site="DAL1", currency_code="USD")
    assert failed.value.vendor_code == "MI_MODIFIED_ERROR"
    assert client.price_query("ITM00001", customer_no="WALMART-MP", site="DAL1",
                              currency_code="USD").net_price > Decimal(0)
