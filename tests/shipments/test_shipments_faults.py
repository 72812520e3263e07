"""shipments_out under a Walmart that commits the confirmation and then drops the answer, half the
time: every package confirmed exactly once. And one order shared by the five demo integrations of one
Walmart account is shipped on Walmart once, however many ERPs report it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connectors import clock
from connectors.contract import ShipmentPage, ShippedPackage
from sandbox import stats
from sandbox.ifs_cloud import fulfil as ifs_fulfil
from sandbox.infor_m3 import fulfil as m3_fulfil
from sandbox.models import Fault
from syncs import flows
from syncs.models import MarketplaceOrder, ShipmentConfirmation
from syncs.orders.normalise import store
from syncs.shipments import intake
from tests.shipments.conftest import integration, posted_order, stocked_items
from tests.syncs.orderkit import walmart_order

S = ShipmentConfirmation.Status


@pytest.mark.slow
def test_thirty_orders_through_a_lossy_ship_call_are_each_confirmed_once(demo, advance):
    m3 = integration("demo-m3", "shipments_out")
    items = stocked_items(3)
    orders = [posted_order(m3, f"8100{n:06d}", [(items[n % 3].sku, 1)]) for n in range(30)]
    for order in orders:
        m3_fulfil.ship(order.purchase_order_id)
    Fault.objects.create(system="walmart", mode="drop_after_commit", method="POST", path_contains="/shipping",
                         rate=0.5, starts_at=clock.now())
    flows.run(m3, "shipments_out")
    for _ in range(10):
        if not ShipmentConfirmation.objects.exclude(status=S.POSTED).exists():
            break
        advance(3600)
        flows.run(m3, "shipments_out", retry_now=True)
    Fault.objects.all().delete()
    rows = ShipmentConfirmation.objects.filter(integration=m3)
    assert rows.count() == 30 and set(rows.values_list("status", flat=True)) == {S.POSTED}
    figures = stats.collect()["walmart"]
    assert figures["documents"]["shipments"] == 30 and figures["duplicate_references"] == 0
    assert Fault.objects.count() == 0


def test_an_order_shared_by_five_integrations_is_shipped_once(demo):
    slugs = ["demo-ifs", "demo-cloudsuite", "demo-m3", "demo-peoplesoft", "demo-exact"]
    (item,) = stocked_items(1)
    integrations = [integration(slug, "shipments_out") if slug in ("demo-ifs", "demo-m3") else integration(slug)
                    for slug in slugs]
    po = "8200000001"
    posted = {i.slug: posted_order(i, po, [(item.sku, 1)]) for i in integrations}
    assert len(posted) == 5
    m3_fulfil.ship(po)
    ifs_fulfil.ship(po)  # the same order, reported shipped by a second ERP of the same account
    first = flows.run(integrations[2], "shipments_out")
    second = flows.run(integrations[0], "shipments_out")
    assert first["confirm"] == {"posted": 1}
    assert second.get("needs_review") == 1 and second["confirm"] == {}
    held = ShipmentConfirmation.objects.get(integration=integrations[0])
    assert held.review_reason == "over_quantity"
    assert stats.collect()["walmart"]["documents"]["shipments"] == 1


def _posted(integ, n):
    orders = [store(integ, walmart_order(f"83{n:05d}{k:05d}", [("WM-KITC-0001", 2, "5.00", "0.40", 0)]))[0]
              for k in range(n)]
    MarketplaceOrder.objects.filter(pk__in=[o.pk for o in orders]).update(status="posted", erp_document_number="X")
    return ShipmentPage(packages=tuple(ShippedPackage(
        reference=o.purchase_order_id, erp_order=f"SO{k}", line_number="1", erp_item="ITM00001", quantity=Decimal(1),
        carrier="UPSG", tracking_number=f"1Z{n}{k:08d}", shipped_at=timezone.now()) for k, o in enumerate(orders)))


def test_taking_a_thousand_shipped_orders_costs_the_queries_of_a_hundred(demo):
    m3 = integration("demo-m3", "shipments_out")
    small, large = _posted(m3, 100), _posted(m3, 1000)
    with CaptureQueriesContext(connection) as few:
        assert intake.take(m3, small) == {"new": 100}
    with CaptureQueriesContext(connection) as many:
        assert intake.take(m3, large) == {"new": 1000}
    assert len(many.captured_queries) == len(few.captured_queries)
