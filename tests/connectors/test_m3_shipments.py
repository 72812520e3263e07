"""M3 shipments(since) (shipments_out) against the emulator over HTTP: orders posted by the adapter,
shipped and closed with the emulator's fulfil functions (what the warehouse does in M3), read back
as packages and cancelled lines: full, partial then the rest, two packages for one line, a line
closed short, the mark, and the number of calls a read costs."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from connectors.contract import Address, OrderPosting, PostingCharge, PostingLine
from connectors.infor_m3.adapter import Adapter
from sandbox.infor_m3 import fulfil
from sandbox.infor_m3.seed import provision_connection
from sandbox.models import Call

SHIP_TO = Address(name="Jane Doe", address1="1 Main St", city="Springfield", state="IL", postal_code="62701",
                  country="USA")


@pytest.fixture
def erp(sandbox):
    return Adapter(provision_connection("m3", sandbox))


def line(number, item, quantity, amount, warehouse="DAL"):
    return PostingLine(line_number=str(number), sku=f"WM-{item}", erp_item=item, quantity=Decimal(quantity),
                       walmart_quantity=Decimal(quantity), warehouse=warehouse,
                       charges=(PostingCharge("PRODUCT", Decimal(amount)),))


def post(erp, reference, *lines):
    order = OrderPosting(reference=reference, purchase_order_id=reference, customer_order_id=f"C{reference}",
                         order_date=datetime(2026, 11, 29, 12, tzinfo=timezone.utc), currency="USD",
                         customer="", ship_to=SHIP_TO, lines=tuple(lines))
    return erp.post_order(order).number


def calls():
    return Call.objects.filter(system="infor_m3", path__contains="/m3api-rest/").count()


def test_a_full_shipment_is_one_package_per_line_with_tracking_and_walmart_line_numbers(erp):
    # Walmart line 1 was cancelled on Walmart before posting: M3's PONR 1 is Walmart line 2.
    orno = post(erp, "1590000000001", line(2, "ITM00001", "2", "39.98"), line(3, "ITM00002", "1", "10.00"))
    shipped = fulfil.ship("1590000000001")
    page = erp.shipments("")
    assert [(p.reference, p.erp_order, p.line_number, p.erp_item, p.quantity) for p in page.packages] == [
        ("1590000000001", orno, "2", "ITM00001", Decimal("2")), ("1590000000001", orno, "3", "ITM00002", Decimal("1"))]
    package = page.packages[0]
    assert package.carrier == "UPSG" and package.method == "GRD"
    assert package.tracking_number == shipped[0]["tracking_number"] and package.tracking_number.startswith("1Z")
    assert package.shipment_id == str(shipped[0]["delivery"])
    assert package.shipped_at.tzinfo is not None and package.shipped_at.strftime("%Y%m%d") == (
        datetime.now(timezone.utc).strftime("%Y%m%d"))
    assert page.cancellations == () and page.mark and package.mark


def test_a_partial_delivery_then_the_rest_are_two_reads_of_new_packages_only(erp, advance):
    post(erp, "1590000000002", line(1, "ITM00001", "3", "59.97"))
    fulfil.ship("1590000000002", quantity=1, carrier="FEDX")
    first = erp.shipments("")
    assert [(p.line_number, p.quantity, p.carrier, p.method) for p in first.packages] == [
        ("1", Decimal("1"), "FEDX", "EXP")]
    assert erp.shipments(first.mark).packages == ()  # nothing new
    advance(60)
    fulfil.ship("1590000000002")  # the rest
    second = erp.shipments(first.mark)
    assert [(p.line_number, p.quantity, p.carrier) for p in second.packages] == [("1", Decimal("2"), "UPSG")]
    assert second.packages[0].tracking_number != first.packages[0].tracking_number
    assert second.packages[0].shipment_id != first.packages[0].shipment_id
    assert second.mark > first.mark and second.cancellations == ()


def test_two_packages_for_one_line_are_two_packages(erp):
    post(erp, "1590000000003", line(1, "ITM00003", "3", "21.30"))
    fulfil.ship("1590000000003", packages=2, carrier="USPS")
    page = erp.shipments("")
    assert sorted((p.line_number, p.quantity) for p in page.packages) == [("1", Decimal("1")), ("1", Decimal("2"))]
    assert len({p.tracking_number for p in page.packages}) == 2
    assert {p.shipment_id for p in page.packages} == {page.packages[0].shipment_id}


def test_a_line_closed_short_and_a_line_cancelled_are_cancellations(erp, advance):
    post(erp, "1590000000004", line(1, "ITM00001", "4", "79.96"), line(2, "ITM00002", "1", "10.00"))
    fulfil.ship("1590000000004", lines=["1"], quantity=3)
    fulfil.cancel_line("1590000000004", "1")  # the fourth unit will not come
    fulfil.cancel_line("1590000000004", "2")  # nothing of line 2 ships
    page = erp.shipments("")
    assert [(p.line_number, p.quantity) for p in page.packages] == [("1", Decimal("3"))]
    assert [(c.reference, c.line_number, c.erp_item, c.quantity, c.reason) for c in page.cancellations] == [
        ("1590000000004", "1", "ITM00001", Decimal("1"), "closed short in M3 (status 66)"),
        ("1590000000004", "2", "ITM00002", Decimal("1"), "closed in M3 without delivery (status 99)")]
    assert erp.shipments(page.mark) == type(page)(mark=page.mark)  # reported once


def test_part_of_an_open_line_cancelled_is_seen_without_any_delivery(erp):
    post(erp, "1590000000005", line(1, "ITM00004", "5", "50.00"))
    fulfil.cancel_line("1590000000005", "1", quantity=2)
    page = erp.shipments("")
    assert page.packages == ()
    assert [(c.line_number, c.quantity, c.reason) for c in page.cancellations] == [
        ("1", Decimal("2"), "quantity reduced in M3")]


def test_since_the_mark_only_newer_shipments_come_back(erp, advance):
    post(erp, "1590000000006", line(1, "ITM00001", "1", "19.99"))
    post(erp, "1590000000007", line(1, "ITM00002", "1", "10.00"))
    fulfil.ship("1590000000006")
    mark = erp.shipments("").mark
    advance(30)
    fulfil.ship("1590000000007")
    page = erp.shipments(mark)
    assert [p.reference for p in page.packages] == ["1590000000007"]


def test_a_read_is_a_fixed_number_of_calls_whatever_the_number_of_orders(erp):
    for n in range(8):
        post(erp, f"15900000001{n:02d}", line(1, "ITM00001", "1", "19.99"), line(2, "ITM00002", "2", "20.00"))
        fulfil.ship(f"15900000001{n:02d}", packages=2)
    before = calls()
    page = erp.shipments("")
    # LstShipment, SearchLine, and one bulk each of DRS100MI, MWS410MI and OIS100MI.
    assert calls() - before == 5 and len(page.packages) == 8 * 4 - 8  # line 1 (one unit) fills one package
    assert erp.shipments(page.mark).packages == ()


def test_without_cupo_the_line_number_is_m3s_line_number(sandbox):
    erp = Adapter(provision_connection("m3", sandbox, line_number_field=""))
    post(erp, "1590000000008", line(5, "ITM00001", "1", "19.99"))
    fulfil.ship("1590000000008", lines=["1"])
    assert [p.line_number for p in erp.shipments("").packages] == ["1"]
