"""The IFS Cloud emulator's warehouse for `manage.py sandbox ship / cancel-line / touch-items`
(sandbox.ifs_cloud.fulfil): what shipping, cancelling and touching do to the emulator's data, and
the sentences it refuses with."""

from decimal import Decimal

import pytest

from sandbox.ifs_cloud import fulfil
from sandbox.ifs_cloud.models import CustomerOrder, SalesPart, Shipment
from tests.connectors.test_ifs_post_order import adapter_for, posting, wline


@pytest.fixture
def order(sandbox):
    adapter = adapter_for(sandbox)
    adapter.post_order(posting("WMT-3001", wline(1, "ITM00001", 4, "40"), wline(2, "ITM00002", 1, "10")))
    return CustomerOrder.objects.get(customer_po_no="WMT-3001")


def states(order):
    order.refresh_from_db()
    return order.objstate, sorted((x.rel_no, x.extra["CustomerPoLineNo"], x.qty_shipped, x.objstate)
                                  for x in order.lines.all())


def test_shipping_part_of_a_line_in_two_packages_releases_the_order_and_splits_the_units(order):
    shipped = fulfil.ship("WMT-3001", lines=["1"], quantity=3, packages=2, carrier="FDX")
    assert [(p["line"], p["item"], p["quantity"], p["order"]) for p in shipped] == [
        ("1", "ITM00001", 2, order.order_no), ("1", "ITM00001", 1, order.order_no)]
    assert len({p["tracking_number"] for p in shipped}) == 2
    rows = Shipment.objects.filter(shipment_id__in=[p["shipment"] for p in shipped])
    assert {(s.ship_via_code, s.objstate) for s in rows} == {("FDX", "Closed")}
    assert {s.airway_bill_no for s in rows} == {p["tracking_number"] for p in shipped}
    assert states(order) == ("PartiallyDelivered", [("1", "1", Decimal(3), "PartiallyDelivered"),
                                                    ("1", "2", Decimal(0), "Released")])
    fulfil.ship("WMT-3001")
    assert states(order) == ("Delivered", [("1", "1", Decimal(4), "Delivered"), ("1", "2", Decimal(1), "Delivered")])


def test_cancelling_whole_part_and_short(order):
    fulfil.cancel_line("WMT-3001", 1, quantity=1)  # a cancelled release split off
    assert states(order)[1] == [("1", "1", Decimal(0), "Planned"), ("1", "2", Decimal(0), "Planned"),
                                ("2", "1", Decimal(0), "Cancelled")]
    fulfil.ship("WMT-3001", lines=[1], quantity=1)
    result = fulfil.cancel_line("WMT-3001", 1)
    assert (result["status"], result["quantity"], result["line"], result["item"]) == (
        "Delivered", Decimal(2), "1", "ITM00001")  # closed short
    fulfil.cancel_line("WMT-3001", 2)
    assert states(order)[0] == "Delivered"


def test_refusals_name_the_problem(order):
    with pytest.raises(ValueError, match="no live customer order has CustomerPoNo 'NOPE'"):
        fulfil.ship("NOPE")
    with pytest.raises(ValueError, match="no open line with CustomerPoLineNo 9"):
        fulfil.ship("WMT-3001", lines=[9])
    with pytest.raises(ValueError, match="has 4 open; cannot ship 5"):
        fulfil.ship("WMT-3001", lines=[1], quantity=5)
    with pytest.raises(ValueError, match="longer than IFS's 3 characters"):
        fulfil.ship("WMT-3001", carrier="UPSG")
    with pytest.raises(ValueError, match="cannot go in 3 packages"):
        fulfil.ship("WMT-3001", lines=[2], packages=3)


def test_touch_items_moves_the_rowversion_of_the_parts_it_names(order, advance):
    before = dict(SalesPart.objects.values_list("catalog_no", "rowversion"))
    advance(1)
    touched = fulfil.touch_items(2)
    assert len(touched) == 2
    after = SalesPart.objects.filter(catalog_no__in=touched)
    assert all(part.rowversion > before[part.catalog_no] and "Updated" in part.note_text for part in after)
