"""shipments_out from IFS Cloud over real HTTP against the emulator: orders posted through the adapter,
shipped and cancelled by the emulator's warehouse (sandbox.ifs_cloud.fulfil), read back in bulk as
packages and cancelled lines: full, partial then the rest, two packages for one line, a cancelled line,
a line closed short, and a mark that returns only what is newer."""

from decimal import Decimal

import pytest

from sandbox.ifs_cloud import fulfil
from sandbox.ifs_cloud.models import CustomerOrder
from sandbox.models import Call
from tests.connectors.test_ifs_post_order import adapter_for, posting, wline


@pytest.fixture
def adapter(sandbox):
    return adapter_for(sandbox)


def post(adapter, reference, *quantities):
    lines = [wline(n, f"ITM0000{n}", qty, str(Decimal("10") * qty)) for n, qty in enumerate(quantities, start=1)]
    return adapter.post_order(posting(reference, *lines))


def shape(page):
    return sorted((p.reference, p.line_number, p.erp_item, p.quantity, p.carrier) for p in page.packages)


def test_a_fully_shipped_order_reads_as_one_package_per_line(adapter):
    document = post(adapter, "WMT-2001", 2, 1)
    shipped = fulfil.ship("WMT-2001")[0]
    page = adapter.shipments("")
    assert shape(page) == [("WMT-2001", "1", "ITM00001", Decimal(2), "UPG"), ("WMT-2001", "2", "ITM00002", Decimal(1), "UPG")]
    assert {p.tracking_number for p in page.packages} == {shipped["tracking_number"]}
    assert {(p.erp_order, p.shipment_id) for p in page.packages} == {(document.number, str(shipped["shipment"]))}
    assert all(p.shipped_at is not None and p.mark for p in page.packages)
    assert page.cancellations == () and page.mark


def test_a_partial_shipment_then_the_rest_come_as_two_reads(adapter, advance):
    post(adapter, "WMT-2002", 3)
    fulfil.ship("WMT-2002", quantity=1, carrier="FDX")
    first = adapter.shipments("")
    assert shape(first) == [("WMT-2002", "1", "ITM00001", Decimal(1), "FDX")]
    advance(60)
    fulfil.ship("WMT-2002")
    second = adapter.shipments(first.mark)
    assert shape(second) == [("WMT-2002", "1", "ITM00001", Decimal(2), "UPG")]
    assert second.packages[0].tracking_number != first.packages[0].tracking_number
    assert adapter.shipments(second.mark).packages == ()


def test_two_packages_for_one_line_are_two_packages(adapter):
    post(adapter, "WMT-2003", 3)
    shipped = fulfil.ship("WMT-2003", packages=2)
    page = adapter.shipments("")
    assert sorted((p.line_number, p.quantity, p.tracking_number) for p in page.packages) == sorted(
        [("1", Decimal(2), shipped[0]["tracking_number"]), ("1", Decimal(1), shipped[1]["tracking_number"])])


def test_a_cancelled_line_and_a_line_closed_short_are_cancellations(adapter):
    post(adapter, "WMT-2004", 2, 4)
    fulfil.cancel_line("WMT-2004", 1)
    fulfil.ship("WMT-2004", lines=[2], quantity=1)
    fulfil.cancel_line("WMT-2004", 2)  # the 3 still open: closed short
    page = adapter.shipments("")
    assert shape(page) == [("WMT-2004", "2", "ITM00002", Decimal(1), "UPG")]
    assert sorted((c.reference, c.line_number, c.erp_item, c.quantity, c.reason) for c in page.cancellations) == [
        ("WMT-2004", "1", "ITM00001", Decimal(2), "cancelled in IFS Cloud"),
        ("WMT-2004", "2", "ITM00002", Decimal(3), "closed short in IFS Cloud (Delivered)")]
    assert adapter.shipments(page.mark).cancellations == ()


def test_part_of_a_line_cancelled_is_its_own_cancellation(adapter):
    post(adapter, "WMT-2005", 5)
    fulfil.cancel_line("WMT-2005", 1, quantity=2)
    fulfil.ship("WMT-2005")
    page = adapter.shipments("")
    assert [(c.line_number, c.quantity) for c in page.cancellations] == [("1", Decimal(2))]
    assert shape(page) == [("WMT-2005", "1", "ITM00001", Decimal(3), "UPG")]


def test_the_mark_returns_only_newer_records_even_in_the_same_second(adapter):
    post(adapter, "WMT-2006", 1)
    post(adapter, "WMT-2007", 1)
    fulfil.ship("WMT-2006")
    first = adapter.shipments("")
    fulfil.ship("WMT-2007")  # no clock advance: possibly the very same instant as the first
    second = adapter.shipments(first.mark)
    assert [p.reference for p in first.packages] == ["WMT-2006"]
    assert [p.reference for p in second.packages] == ["WMT-2007"]
    assert adapter.shipments(second.mark) == type(second)(mark=second.mark)


def test_orders_without_our_reference_are_left_out(adapter):
    post(adapter, "WMT-2008", 1)
    fulfil.ship("WMT-2008")
    CustomerOrder.objects.filter(customer_po_no="WMT-2008").update(customer_po_no="")  # as if entered by hand
    assert adapter.shipments("").packages == ()


def test_a_read_is_a_handful_of_calls_whatever_the_number_of_orders(adapter):
    for n in range(6):
        post(adapter, f"WMT-21{n:02d}", 1, 2)
        fulfil.ship(f"WMT-21{n:02d}")
    before = Call.objects.filter(system="ifs_cloud", path__contains="/projection/").count()
    page = adapter.shipments("")
    calls = list(Call.objects.filter(system="ifs_cloud", path__contains="/projection/").order_by("id"))[before:]
    assert len(page.packages) == 12
    assert len(calls) == 5 and all(c.method == "GET" for c in calls)
