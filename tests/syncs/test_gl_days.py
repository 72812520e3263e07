"""CloudSuite in daily_summary mode: orders post as loaded rows of their day's run group; the hourly
step releases each finished day once (never today) and shows the journal on the day's orders; FSM's
refusal (a closed period) is an alert with the orders concerned, and a later run releases the day."""

from datetime import timedelta

from django.utils import timezone

from audit.models import AuditEvent
from sandbox import catalog
from sandbox.models import Account
from syncs.models import MarketplaceOrder
from syncs.orders import gl_days
from syncs.orders.post import post_due
from syncs.orders.validate import validate
from tests.syncs.orderkit import add_order, demo_integration


def test_finished_days_are_released_once_and_refusals_are_alerts(sandbox):
    integration, _ = demo_integration("infor_cloudsuite", sandbox)
    erp = integration.erp
    erp.config = {**erp.config, "posting_mode": "daily_summary"}
    erp.save()
    now = timezone.now()
    yesterday = (now - timedelta(days=1)).replace(hour=12, minute=0)  # the posting calendar is UTC here
    today = max(now - timedelta(minutes=1), now.replace(hour=0, minute=0, second=1))
    for n, when in enumerate([yesterday, yesterday + timedelta(minutes=5), today]):
        add_order(integration, f"330000000000{n}", [(catalog.items()[3].sku, 1, "12.00", "0.99", "4.99")], ordered=when)
    validate(integration)
    assert post_due(integration) == {"posted": 3}
    assert set(MarketplaceOrder.objects.values_list("erp_document_kind", flat=True)) == {"gl_interface"}

    account = Account.objects.get(system="infor_cloudsuite")
    account.settings["closed_periods"] = [yesterday.strftime("%Y%m")]
    account.save()
    assert gl_days.release(integration) == {"released_days": 0, "failed_days": 1}
    alert = AuditEvent.objects.get(action="gl.day.release_failed")
    assert "closed" in alert.message and set(alert.data["orders"]) == {"3300000000000", "3300000000001"}

    account.settings["closed_periods"] = []
    account.save()
    assert gl_days.release(integration) == {"released_days": 1, "failed_days": 0}
    released = MarketplaceOrder.objects.filter(erp_document_kind="gl_journal")
    assert set(released.values_list("purchase_order_id", flat=True)) == {"3300000000000", "3300000000001"}
    assert len(set(released.values_list("erp_document_number", flat=True))) == 1  # one journal for the day
    today = MarketplaceOrder.objects.get(purchase_order_id="3300000000002")
    assert today.erp_document_kind == "gl_interface"  # today still takes orders: not released
    assert gl_days.release(integration) == {"released_days": 0, "failed_days": 0}
    assert list(gl_days.release_all()) == [integration.slug]
