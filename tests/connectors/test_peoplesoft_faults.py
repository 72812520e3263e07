"""Every sandbox fault mode, as the PeopleSoft client observes it: typed errors that tell the caller
whether a retry is safe, and a dropped answer that find_document reconciles."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest

from connectors.errors import AmbiguousOutcome, RecoverableError
from connectors.peoplesoft.adapter import Adapter
from connectors.peoplesoft.client import PeopleSoftClient, PoReceipt, ReceiptLine
from sandbox import catalog, clock
from sandbox.models import Call, Fault
from sandbox.peoplesoft import seed
from sandbox.peoplesoft.models import Receipt

RECEIPT_PATH = "PURCHASE_ORDER_RECEIPT"


@pytest.fixture
def conn(sandbox):
    seed.seed_demo()
    return seed.provision_connection("ps", sandbox, read_timeout=1)


def fault(mode, **kwargs):
    return Fault.objects.create(system="peoplesoft", mode=mode, starts_at=clock.now(), **kwargs)


def balances(conn):
    return PeopleSoftClient(conn).inventory_balances("DAL", [catalog.items()[0].item_code])


def receipt(conn, reference):
    it = catalog.items()[0]
    line = Adapter(conn).match_purchase_order(it.item_code, it.supplier, 1).line
    return PoReceipt(reference, (ReceiptLine(line, Decimal("1")),))


def wait_for_served(mode, seconds=10):
    """The emulator finishes a request the client gave up on (and logs it last): wait for it, so that
    we look at its outcome and no write of it lands in the next test."""
    deadline = time.monotonic() + seconds
    while not Call.objects.filter(system="peoplesoft", fault=mode).exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_latency_is_only_slower(conn):
    fault("latency", seconds=0.4)
    started = time.monotonic()
    assert len(balances(conn)) == 1
    assert time.monotonic() - started >= 0.4
    assert Call.objects.get(system="peoplesoft").fault == "latency"


@pytest.mark.parametrize("mode, status", [("error", 500), ("outage", 503)])
def test_server_errors_and_outages_are_recoverable(conn, mode, status):
    fault(mode)
    with pytest.raises(RecoverableError) as caught:
        balances(conn)
    assert caught.value.status == status


def test_an_outage_window_ends(conn, advance):
    Fault.objects.create(system="peoplesoft", mode="outage", starts_at=clock.now(),
                         ends_at=clock.now() + timedelta(seconds=60))
    with pytest.raises(RecoverableError):
        balances(conn)
    advance(61)
    assert len(balances(conn)) == 1


def test_a_throttle_is_recoverable_with_retry_after(conn):
    fault("throttle", seconds=1)
    with pytest.raises(RecoverableError) as caught:
        balances(conn)
    assert caught.value.status == 429 and caught.value.retry_after == 1


def test_a_timeout_on_a_read_is_recoverable(conn):
    fault("timeout", seconds=2)
    with pytest.raises(RecoverableError, match="no answer"):
        balances(conn)
    wait_for_served("timeout")


def test_a_timeout_on_a_receipt_is_ambiguous_and_reconciled(conn):
    adapter = Adapter(conn)
    to_post = receipt(conn, "1088-TIMEOUT-R1")
    fault("timeout", seconds=2, path_contains=RECEIPT_PATH, method="POST")
    with pytest.raises(AmbiguousOutcome):
        adapter.client.create_po_receipt(to_post)
    wait_for_served("timeout")
    doc = adapter.find_document("1088-TIMEOUT-R1")
    assert doc is not None and doc.data["duplicates"] == []


def test_drop_after_commit_is_ambiguous_and_find_document_finds_exactly_one(conn):
    adapter = Adapter(conn)
    to_post = receipt(conn, "1088-DROP-R1")
    fault("drop_after_commit", path_contains=RECEIPT_PATH, method="POST")
    with pytest.raises(AmbiguousOutcome):
        adapter.client.create_po_receipt(to_post)
    doc = adapter.find_document("1088-DROP-R1")
    assert doc is not None and doc.data["duplicates"] == []
    assert Receipt.objects.filter(bill_of_lading="1088-DROP-R1").count() == 1
