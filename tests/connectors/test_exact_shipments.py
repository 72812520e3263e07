"""shipments_out from Exact Online over real HTTP against the emulator: orders posted through the adapter,
delivered and cancelled by the emulator's warehouse (sandbox.exact_online.fulfil), read back in bulk as
packages (goods deliveries) and cancelled lines: full, partial then the rest, two packages for one line,
a cancelled line, a line completed short, and a mark that returns only what is newer."""

from decimal import Decimal

import pytest

from connectors.exact_online.adapter import Adapter
from sandbox.exact_online import fulfil
from sandbox.exact_online.models import Document
from sandbox.models import Call
from tests.connectors.test_exact_post_order import line, posting


@pytest.fixture
def adapter(sandbox):
    from sandbox.exact_online.seed import provision_connection

    return Adapter(provision_connection("exact-ship", sandbox))


def post(adapter, po, *quantities, shipping="5.00"):
    lines = [line(n, f"ITM0000{n}", qty, str(Decimal("10") * qty), shipping=shipping if n == 1 else "0")
             for n, qty in enumerate(quantities, start=1)]
    return adapter.post_order(posting(po, *lines))


def shape(page):
    return sorted((p.reference, p.line_number, p.erp_item, p.quantity, p.carrier) for p in page.packages)


def test_a_fully_delivered_order_reads_as_one_package_per_walmart_line(adapter):
    post(adapter, "1796277485101", 2, 1)
    shipped = fulfil.ship("1796277485101")[0]
    page = adapter.shipments("")
    assert shape(page) == [("1796277485101-SO", "1", "ITM00001", Decimal(2), "UPSG"),
                           ("1796277485101-SO", "2", "ITM00002", Decimal(1), "UPSG")]  # not the shipping line
    assert {(p.tracking_number, p.erp_order, p.shipment_id) for p in page.packages} == {
        (shipped["tracking_number"], str(shipped["order"]), str(shipped["delivery"]))}
    assert all(p.shipped_at is not None for p in page.packages) and page.cancellations == ()


def test_the_walmart_line_number_comes_from_the_line_notes_not_exacts_numbering(adapter):
    order = posting("1796277485102", line(7, "ITM00003", 1, "10.00"), line(9, "ITM00004", 2, "20.00"))
    adapter.post_order(order)
    so = Document.objects.get(your_ref="1796277485102-SO")
    assert [x["Notes"] for x in so.data["SalesOrderLines"]] == ["Walmart line 7", "Walmart line 9"]
    fulfil.ship("1796277485102", lines=[9])
    assert shape(adapter.shipments("")) == [("1796277485102-SO", "9", "ITM00004", Decimal(2), "UPSG")]


def test_a_partial_delivery_then_the_rest_come_as_two_reads(adapter, advance):
    post(adapter, "1796277485103", 3)
    fulfil.ship("1796277485103", quantity=1, carrier="FEDX")
    first = adapter.shipments("")
    assert shape(first) == [("1796277485103-SO", "1", "ITM00001", Decimal(1), "FEDX")]
    advance(60)
    fulfil.ship("1796277485103")
    second = adapter.shipments(first.mark)
    assert shape(second) == [("1796277485103-SO", "1", "ITM00001", Decimal(2), "UPSG")]
    assert adapter.shipments(second.mark).packages == ()


def test_two_packages_for_one_line_are_two_packages(adapter):
    post(adapter, "1796277485104", 3)
    shipped = fulfil.ship("1796277485104", packages=2)
    page = adapter.shipments("")
    assert sorted((p.line_number, p.quantity, p.tracking_number) for p in page.packages) == sorted(
        [("1", Decimal(2), shipped[0]["tracking_number"]), ("1", Decimal(1), shipped[1]["tracking_number"])])


def test_a_cancelled_line_and_a_line_completed_short_are_cancellations(adapter):
    post(adapter, "1796277485105", 2, 4)
    fulfil.cancel_line("1796277485105", 1)
    fulfil.ship("1796277485105", lines=[2], quantity=1)
    fulfil.cancel_line("1796277485105", 2)
    page = adapter.shipments("")
    assert shape(page) == [("1796277485105-SO", "2", "ITM00002", Decimal(1), "UPSG")]
    assert sorted((c.reference, c.line_number, c.erp_item, c.quantity, c.reason) for c in page.cancellations) == [
        ("1796277485105-SO", "1", "ITM00001", Decimal(2), "cancelled in Exact Online"),
        ("1796277485105-SO", "2", "ITM00002", Decimal(3), "completed short in Exact Online")]
    assert adapter.shipments(page.mark).cancellations == ()


def test_the_mark_returns_only_newer_deliveries_even_in_the_same_instant(adapter):
    post(adapter, "1796277485106", 1)
    post(adapter, "1796277485107", 1)
    fulfil.ship("1796277485106")
    first = adapter.shipments("")
    fulfil.ship("1796277485107")
    second = adapter.shipments(first.mark)
    assert [p.reference for p in first.packages] == ["1796277485106-SO"]
    assert [p.reference for p in second.packages] == ["1796277485107-SO"]
    third = adapter.shipments(second.mark)
    assert (third.packages, third.cancellations) == ((), ())


def test_a_read_is_four_calls_whatever_the_number_of_orders(adapter):
    for n in range(5):
        post(adapter, f"17962774852{n:02d}", 1, 2)
        fulfil.ship(f"17962774852{n:02d}")
    before = Call.objects.filter(system="exact_online", path__contains="/api/v1/").count()
    page = adapter.shipments("")
    calls = list(Call.objects.filter(system="exact_online", path__contains="/api/v1/").order_by("id"))[before:]
    assert len(page.packages) == 10
    assert len(calls) == 4 and all(c.method == "GET" for c in calls)
