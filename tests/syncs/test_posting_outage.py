"""An ERP outage of 5 minutes (sandbox clock) while orders keep arriving: nothing is lost, every
order posts once after recovery, the backoff is in the audit trail, and there is no retry storm."""

from datetime import timedelta

from audit.models import AuditEvent
from connectors import registry
from sandbox import catalog
from sandbox import clock as sandbox_clock
from sandbox.infor_m3 import stats
from sandbox.models import Call, Fault
from syncs.models import MarketplaceOrder
from syncs.orders.post import post_due
from syncs.orders.validate import validate
from tests.syncs.orderkit import add_order, demo_integration

ORDERS, STEP, OUTAGE = 12, 30, 300


def create_calls():
    return Call.objects.filter(system="infor_m3", method="POST", path__contains="/execute").count()


def all_calls():
    return Call.objects.filter(system="infor_m3").count()


def test_five_minute_outage_loses_nothing_and_backs_off(sandbox, advance):
    integration, _ = demo_integration("infor_m3", sandbox, check_stock=False)
    items = catalog.items()[3:6]
    assert registry.adapter_class("infor_m3")(integration.erp).ping().ok  # a token from before the outage
    before = all_calls()
    Fault.objects.create(system="infor_m3", mode="outage", starts_at=sandbox_clock.now(),
                         ends_at=sandbox_clock.now() + timedelta(seconds=OUTAGE))
    # Orders keep arriving during the outage; the schedule runs every 30 s.
    for step in range(OUTAGE // STEP):
        add_order(integration, f"55000000000{step:02d}", [(items[step % 3].sku, 1, "9.99", "0.82", 0)])
        if step % 5 == 0:
            add_order(integration, f"55100000000{step:02d}", [(items[0].sku, 2, "4.50", "0.74", "2.99")])
        validate(integration)
        post_due(integration)
        advance(STEP)
    arrived = MarketplaceOrder.objects.filter(integration=integration).count()
    assert arrived == ORDERS
    during, calls = create_calls(), all_calls() - before
    # Trying every order at every 30-s run would be 65 attempts (a lookup and a create each after the first:
    # ~120 calls). Backing off 30 s, 60 s, 120 s, 240 s (× 0.5-1 jitter) allows at most 5 attempts per order
    # within 5 minutes, and a retry that finds the ERP down stops at its lookup: at most 5 calls per order.
    assert during >= ORDERS and calls <= 5 * ORDERS, (during, calls)
    assert MarketplaceOrder.objects.filter(status="posted").count() == 0

    for _ in range(20):  # after the outage, the schedule keeps running until every order is due and posted
        validate(integration)
        post_due(integration)
        if MarketplaceOrder.objects.filter(status="posted").count() == ORDERS:
            break
        advance(STEP)
    assert MarketplaceOrder.objects.filter(status="posted").count() == ORDERS
    assert stats.documents()["customer_orders"] == ORDERS and stats.duplicate_references() == 0
    assert create_calls() - during == ORDERS  # one call per order once M3 is back

    first = MarketplaceOrder.objects.order_by("purchase_order_id").first()
    waits = [e.data["retry_in_seconds"] for e in AuditEvent.objects.filter(
        action="order.post.failed", object_id=first.purchase_order_id).order_by("id")]
    assert len(waits) >= 2 and waits[-1] > waits[0], waits  # the waits grow (with jitter)
    print(f"outage: {calls} M3 calls ({during} creates) during the outage for {ORDERS} orders; "
          f"waits of the first {waits}")
