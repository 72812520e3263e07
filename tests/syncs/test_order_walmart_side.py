"""What we tell Walmart about orders, against the Walmart emulator: one acknowledgement per order
(never for WFS), one cancellation per rejected order even when Walmart's answer is lost, the
INTENT_TO_CANCEL hold, and the deadline watchdogs on a moved clock."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.models import AuditEvent
from connectors.models import Connection
from mappings import demo as mapping_demo
from sandbox import clock as sandbox_clock
from sandbox.models import Fault
from sandbox.walmart import loader
from sandbox.walmart.models import Action
from syncs.models import InboxEvent, Integration, MarketplaceOrder, StockReservation
from syncs.orders import review, watchdog
from syncs.orders.inbox import process_account
from syncs.orders.normalise import store
from syncs.orders.post import post_due
from syncs.orders.validate import validate
from syncs.orders.walmart_side import acknowledge_due, cancel_rejected
from tests.contract.sellers import seller
from tests.syncs.orderkit import ScriptedErp, walmart_order

S = MarketplaceOrder.Status
SKU, ITEM = "WM-KITC-0001", "ITM00001"


@pytest.fixture
def shop(sandbox):
    client, account = seller(sandbox)
    erp = Connection.objects.create(name="exact", system="exact_online", config={})
    integration = Integration.objects.create(slug="acme", name="Acme", walmart=client.connection, erp=erp,
                                             enabled_flows=["orders_in"])
    mapping_demo.seed(integration)
    return integration, account


def place(shop, po, quantity=1, **kwargs):
    """The order exists on Walmart (the emulator) and in our database."""
    integration, account = shop
    data = walmart_order(po, [(SKU, quantity, "19.99", "1.65", 0)], **kwargs)
    loader.load_orders({"order": data}, account, deliver=False)
    order, _ = store(integration, data)
    return order


def walmart_actions(po, kind):
    return Action.objects.filter(reference=po, kind=kind).count()


def test_acknowledged_once_after_the_erp_accepted_it_never_for_wfs(shop):
    integration, _ = shop
    erp = ScriptedErp(stock={(ITEM, "DAL"): 9, (ITEM, "WFS"): 9})
    order = place(shop, "2000000000001")
    wfs = place(shop, "2000000000002", ship_node="WFS-1001", node_type="WFSFulfilled")
    validate(integration, adapter=erp)
    assert acknowledge_due(integration) == {"acknowledged": 0, "failed": 0}  # not posted yet
    post_due(integration, adapter=erp)
    assert acknowledge_due(integration) == {"acknowledged": 1, "failed": 0}
    assert acknowledge_due(integration) == {"acknowledged": 0, "failed": 0}
    order.refresh_from_db()
    wfs.refresh_from_db()
    assert order.status == S.ACKNOWLEDGED and order.acknowledged_at is not None
    assert wfs.status == S.POSTED and wfs.acknowledged_at is None  # Exact posts WFS revenue, Walmart ships it
    assert walmart_actions(order.purchase_order_id, Action.Kind.ACKNOWLEDGE) == 1
    assert walmart_actions(wfs.purchase_order_id, Action.Kind.ACKNOWLEDGE) == 0


def test_policy_after_validation_acknowledges_before_posting(shop):
    integration, _ = shop
    integration.ack_policy = Integration.AckPolicy.AFTER_VALIDATION
    integration.save()
    order = place(shop, "2000000000003")
    validate(integration, adapter=ScriptedErp(stock={(ITEM, "DAL"): 9}))
    assert acknowledge_due(integration)["acknowledged"] == 1
    order.refresh_from_db()
    assert order.status == S.READY and order.acknowledged_at is not None


def test_reject_cancels_the_lines_on_walmart_exactly_once_even_when_the_answer_is_lost(shop):
    integration, _ = shop
    user = get_user_model().objects.create_user("ops")
    order = place(shop, "2000000000004", quantity=2)
    validate(integration, adapter=ScriptedErp(stock={}))  # out of stock → review
    order.refresh_from_db()
    assert order.review_reason == "out_of_stock"
    review.reject(order, user, "SELLER_CANCEL_OUT_OF_STOCK")
    Fault.objects.create(system="walmart", mode="drop_after_commit", starts_at=sandbox_clock.now(),
                         path_contains="/cancel")
    assert cancel_rejected(integration) == {"cancelled": 0, "failed": 1}
    order.refresh_from_db()
    assert order.cancel_state == "unsure"
    Fault.objects.all().delete()
    assert cancel_rejected(integration) == {"cancelled": 1, "failed": 0}  # Walmart had it: nothing sent again
    assert cancel_rejected(integration) == {"cancelled": 0, "failed": 0}
    assert walmart_actions(order.purchase_order_id, Action.Kind.CANCEL) == 1
    order.refresh_from_db()
    assert (order.status, order.cancel_state) == (S.REJECTED, "done")
    rejected = AuditEvent.objects.get(action="order.review.rejected", object_id=order.purchase_order_id)
    assert rejected.user == user and rejected.message == "SELLER_CANCEL_OUT_OF_STOCK"


def test_intent_to_cancel_puts_a_not_yet_posted_order_on_hold(shop):
    integration, _ = shop
    order = place(shop, "2000000000005")
    InboxEvent.objects.create(account=integration.walmart, dedup_key="event:itc-1", kind="order",
                              event_type="ORDER_UPDATES", sub_event_type="INTENT_TO_CANCEL", event_id="itc-1",
                              purchase_order_id=order.purchase_order_id, source="webhook", payload={})
    assert process_account(integration.walmart)["processed"] == 1
    order.refresh_from_db()
    assert order.on_hold and (order.status, order.review_reason) == (S.NEEDS_REVIEW, "intent_to_cancel")
    assert validate(integration, adapter=ScriptedErp(stock={(ITEM, "DAL"): 9})) == {}  # held: not validated


def test_watchdog_flags_an_order_not_acknowledged_at_3h50_once(shop, advance):
    integration, _ = shop
    order = place(shop, "2000000000006", ordered=timezone.now() - timedelta(hours=3))
    assert watchdog.check(integration)["ack_overdue"] == 0
    advance(50 * 60)  # the order is now 3h50 old: inside the 30-minute margin of Walmart's 4 hours
    assert watchdog.check(integration)["ack_overdue"] == 1
    assert watchdog.check(integration)["ack_overdue"] == 0  # flagged once
    order.refresh_from_db()
    assert order.ack_overdue_at is not None
    alert = AuditEvent.objects.get(action="order.watchdog.ack_deadline")
    assert "3h50" in alert.message


def test_watchdog_flags_lines_near_auto_cancel(shop, advance):
    integration, _ = shop
    place(shop, "2000000000007", ship_in_days=1)
    assert watchdog.check(integration)["autocancel_risk"] == 0
    advance(4 * 24 * 3600)  # estimated ship date + 3 days: inside the 24-hour margin
    assert watchdog.check(integration)["autocancel_risk"] == 1
    assert "auto-cancels" in AuditEvent.objects.get(action="order.watchdog.autocancel").message
