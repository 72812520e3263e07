"""Polling reconciliation against the Walmart emulator: every order once, across pages, 404 windows,
interruptions, and into MarketplaceOrders for every integration on the account."""

import pytest

from connectors.errors import RecoverableError
from connectors.models import Connection
from sandbox import credentials
from sandbox.models import Fault
from sandbox.walmart.generator import generate_orders
from sandbox.walmart.seed import provision_connection
from syncs.models import InboxEvent, Integration, MarketplaceOrder, PollState
from syncs.orders.inbox import process_account
from syncs.orders.poll import poll_account


@pytest.fixture
def walmart(sandbox):
    return provision_connection("wm", sandbox)


def account_of(conn):
    return credentials.find_account("walmart", conn.typed_config.client_id)


def integration_for(walmart, slug="acme", system="ifs_cloud"):
    erp = Connection.objects.create(name=f"erp-{slug}", system=system, config={})
    return Integration.objects.create(slug=slug, name=slug, walmart=walmart, erp=erp, enabled_flows=["orders_in"])


def test_it_reads_450_orders_across_3_pages_once(walmart):
    generate_orders(account_of(walmart), 450, seed=1, deliver=False)
    counts = poll_account(walmart)
    # 200 + 200 + 50 seller-fulfilled and 3PL orders, plus the WFS ones (Walmart lists each node type apart).
    assert counts["new"] == 450 and counts["seen"] == 0 and counts["pages"] >= 3
    assert InboxEvent.objects.filter(source="poll").count() == 450
    again = poll_account(walmart)
    assert again["new"] == 0 and again["seen"] == 450
    assert InboxEvent.objects.count() == 450
    assert PollState.objects.get(account=walmart).last_ok is True


def test_an_empty_window_is_not_an_error(walmart):
    assert poll_account(walmart) == {"new": 0, "seen": 0, "pages": 0}  # every node type answered 404
    state = PollState.objects.get(account=walmart)
    assert state.last_ok is True and state.high_water is not None


def test_an_interrupted_poll_resumes_without_loss_or_duplicates(walmart):
    account = account_of(walmart)
    generate_orders(account, 450, seed=2, deliver=False)
    # Walmart throttles the second page: the poll stops half way and keeps its old high-water mark.
    account.settings = {**account.settings, "rate_limits": {"orders.list": [1, 3600]}}
    account.save()
    with pytest.raises(RecoverableError):
        poll_account(walmart)
    state = PollState.objects.get(account=walmart)
    assert state.last_ok is False and state.high_water is None
    assert InboxEvent.objects.count() == 200
    account.settings = {**account.settings, "rate_limits": {}}
    account.save()
    from connectors.models import RateLimitBucket
    from sandbox.walmart.models import RateBucket

    RateBucket.objects.all().delete()
    RateLimitBucket.objects.all().delete()
    counts = poll_account(walmart)
    assert counts["new"] == 250 and counts["seen"] == 200 and InboxEvent.objects.count() == 450
    assert InboxEvent.objects.values("dedup_key").distinct().count() == 450


def test_polled_orders_become_orders_of_every_integration_on_the_account(walmart):
    ifs = integration_for(walmart, "acme-ifs", "ifs_cloud")
    m3 = integration_for(walmart, "acme-m3", "infor_m3")
    generate_orders(account_of(walmart), 12, seed=3, deliver=False)
    poll_account(walmart)
    counts = process_account(walmart)
    assert counts == {"processed": 12, "failed": 0, "retry": 0}
    assert MarketplaceOrder.objects.filter(integration=ifs).count() == 12
    assert MarketplaceOrder.objects.filter(integration=m3).count() == 12
    assert not InboxEvent.objects.exclude(status="processed").exists()


def test_thin_webhook_rows_are_read_again_from_walmart(walmart):
    integ = integration_for(walmart)
    [order] = generate_orders(account_of(walmart), 1, seed=4, deliver=False)
    po = order["purchaseOrderId"]
    InboxEvent.objects.create(account=walmart, dedup_key=f"order:{po}:created", kind="order", event_type="PO_CREATED",
                              purchase_order_id=po, source="webhook", payload={"payload": {"purchaseOrderId": po}})
    InboxEvent.objects.create(account=walmart, dedup_key="order:999:created", kind="order", event_type="PO_CREATED",
                              purchase_order_id="999", source="webhook", payload={})
    assert process_account(walmart) == {"processed": 1, "failed": 0, "retry": 1}
    stored = MarketplaceOrder.objects.get(integration=integ)
    assert stored.purchase_order_id == po and stored.lines.count() == len(order["orderLines"]["orderLine"])
    # Asked again (it may not be readable yet), then set aside: a test delivery is not a failure.
    assert process_account(walmart, retry_now=True) == {"processed": 0, "failed": 0, "retry": 1}
    assert process_account(walmart, retry_now=True) == {"processed": 0, "failed": 0, "retry": 0, "ignored": 1}
    unknown = InboxEvent.objects.get(purchase_order_id="999")
    assert unknown.status == "ignored" and unknown.error.startswith("Walmart does not know purchase order 999")


def test_a_walmart_outage_leaves_events_waiting_not_lost(walmart):
    integration_for(walmart)
    [order] = generate_orders(account_of(walmart), 1, seed=5, deliver=False)
    po = order["purchaseOrderId"]
    InboxEvent.objects.create(account=walmart, dedup_key=f"order:{po}:created", kind="order", event_type="PO_CREATED",
                              purchase_order_id=po, source="webhook", payload={})
    from sandbox import clock

    Fault.objects.create(system="walmart", mode="outage", starts_at=clock.now(), path_contains="/v3/orders/")
    assert process_account(walmart) == {"processed": 0, "failed": 0, "retry": 1}
    row = InboxEvent.objects.get()
    assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at is not None
    Fault.objects.all().delete()
    assert process_account(walmart)["processed"] == 0  # backing off: not due yet
    assert process_account(walmart, retry_now=True)["processed"] == 1
    assert MarketplaceOrder.objects.get().purchase_order_id == po
