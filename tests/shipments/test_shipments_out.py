"""shipments_out per ERP with shipments (M3, IFS, Exact), end to end: the ERP emulator ships (part
of) an order we posted, the real adapter reads it, and Walmart's emulator ends with one confirmation
per package, the line statuses and tracking on our order."""

import pytest

from mappings.models import CarrierMap
from sandbox import stats
from sandbox.exact_online import fulfil as exact_fulfil
from sandbox.ifs_cloud import fulfil as ifs_fulfil
from sandbox.infor_m3 import fulfil as m3_fulfil
from syncs import flows
from syncs.admin.orders import lifecycle
from syncs.models import ShipmentConfirmation
from syncs.shipments import intake
from tests.shipments.conftest import SHIPPING_ERPS, integration, posted_order, stocked_items

FULFIL = {"demo-m3": m3_fulfil, "demo-ifs": ifs_fulfil, "demo-exact": exact_fulfil}
UNMAPPED_CARRIER = {"demo-m3": "DHLX", "demo-ifs": "DHL", "demo-exact": "DHLX"}
S = ShipmentConfirmation.Status


def walmart_line(order, number):
    order.refresh_from_db()
    return order.lines.get(line_number=number)


@pytest.mark.parametrize("slug", SHIPPING_ERPS)
def test_full_partial_and_two_package_shipments_are_confirmed_once(demo, slug):
    integ = integration(slug, "shipments_out")
    first, second = stocked_items(2)
    order = posted_order(integ, f"77{SHIPPING_ERPS.index(slug)}0000001", [(first.sku, 3), (second.sku, 2)])
    fulfil = FULFIL[slug]

    fulfil.ship(order.purchase_order_id, lines=["1"], quantity=1)
    counts = flows.run(integ, "shipments_out")
    assert counts["new"] == 1 and counts["confirm"] == {"posted": 1}
    line = walmart_line(order, "1")
    assert line.shipped_quantity == 1 and lifecycle(order) == "partially shipped"

    fulfil.ship(order.purchase_order_id, lines=["1"])  # the rest of line 1
    fulfil.ship(order.purchase_order_id, lines=["2"], packages=2)  # line 2 in two boxes
    counts = flows.run(integ, "shipments_out")
    assert counts["confirm"] == {"posted": 3}
    assert walmart_line(order, "1").shipped_quantity == 3 and walmart_line(order, "2").shipped_quantity == 2
    assert lifecycle(order) == "shipped"
    rows = ShipmentConfirmation.objects.filter(order=order)
    assert rows.count() == 4 and {r.status for r in rows} == {S.POSTED}
    assert all(r.seller_order_id and r.tracking_number for r in rows)

    again = flows.run(integ, "shipments_out")
    assert again.get("new", 0) == 0 and again["confirm"] == {}
    figures = stats.collect()["walmart"]
    assert figures["documents"]["shipments"] == 4 and figures["duplicate_references"] == 0


@pytest.mark.parametrize("slug", SHIPPING_ERPS)
def test_an_unmapped_carrier_waits_for_review_then_goes_once(demo, slug):
    integ = integration(slug, "shipments_out")
    (item,) = stocked_items(1)
    order = posted_order(integ, f"78{SHIPPING_ERPS.index(slug)}0000001", [(item.sku, 1)])
    FULFIL[slug].ship(order.purchase_order_id, carrier=UNMAPPED_CARRIER[slug])
    counts = flows.run(integ, "shipments_out")
    assert counts["needs_review"] == 1
    row = ShipmentConfirmation.objects.get(order=order)
    assert row.status == S.NEEDS_REVIEW and row.review_reason == "unmapped_carrier"
    assert stats.collect()["walmart"]["documents"].get("shipments", 0) == 0

    CarrierMap.objects.create(integration=integ, erp_carrier=UNMAPPED_CARRIER[slug], walmart_carrier="UPS",
                              method_code="Standard")
    assert intake.recheck(ShipmentConfirmation.objects.filter(order=order)) == 1
    assert flows.run(integ, "shipments_out")["confirm"] == {"posted": 1}
    assert flows.run(integ, "shipments_out")["confirm"] == {}
    assert stats.collect()["walmart"]["documents"]["shipments"] == 1
    assert walmart_line(order, "1").shipped_quantity == 1


@pytest.mark.parametrize("slug", SHIPPING_ERPS)
def test_an_erp_cancellation_cancels_the_line_on_walmart_once(demo, slug):
    integ = integration(slug, "shipments_out")
    first, second = stocked_items(2)
    order = posted_order(integ, f"79{SHIPPING_ERPS.index(slug)}0000001", [(first.sku, 2), (second.sku, 1)])
    FULFIL[slug].cancel_line(order.purchase_order_id, "2")
    counts = flows.run(integ, "shipments_out")
    assert counts["confirm"] == {"posted": 1}
    assert walmart_line(order, "2").cancelled_quantity == 1
    assert flows.run(integ, "shipments_out")["confirm"] == {}
    assert stats.collect()["walmart"]["documents"]["cancellations"] == 1
    FULFIL[slug].ship(order.purchase_order_id, lines=["1"])
    flows.run(integ, "shipments_out")
    assert lifecycle(order) == "shipped"


def test_the_demo_warehouses_ship_posted_orders(demo):
    import random

    from sandbox.tasks import ship_some

    m3 = integration("demo-m3", "shipments_out")
    (item,) = stocked_items(1)
    posted_order(m3, "7990000001", [(item.sku, 1)])
    assert ship_some(random.Random(3))["infor_m3"] >= 1
    assert flows.run(m3, "shipments_out")["confirm"].get("posted", 0) >= 1
