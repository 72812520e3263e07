"""The stock and price screens: state lists with their filters, feeds with per-item errors, the
price approval queue (approve needs the permission, is audited), resend everything (audited)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from audit.models import AuditEvent
from syncs import flows
from syncs.models import InventoryState, OutboundFlow, PriceApproval
from tests.stock.conftest import enable


@pytest.fixture
def admin_client(client, demo):
    user = get_user_model().objects.create_superuser("boss", password="pw")
    client.force_login(user)
    return client


def test_state_feed_and_approval_screens_show(admin_client):
    ifs = enable("demo-ifs", "inventory_out", "prices_out")
    flows.run(ifs, "inventory_out")
    flows.run(ifs, "prices_out")
    for url in ("/admin/syncs/inventorystate/?error_kind__exact=", "/admin/syncs/pricestate/", "/admin/syncs/feed/",
                "/admin/syncs/priceapproval/", "/admin/syncs/stockcount/", "/admin/syncs/inventorystate/?q=WM-"):
        assert admin_client.get(url).status_code == 200, url
    feed = ifs.feeds.first()
    assert admin_client.get(f"/admin/syncs/feed/{feed.pk}/change/").status_code == 200

    rows = InventoryState.objects.filter(integration=ifs)
    response = admin_client.post("/admin/syncs/inventorystate/", {"action": "resend_everything",
                                                                  "_selected_action": [rows.first().pk]})
    assert response.status_code == 302
    assert OutboundFlow.objects.get(integration=ifs, flow="inventory_out").full_requested
    assert AuditEvent.objects.filter(action="inventory_out.resend_everything", object_id="demo-ifs").exists()


def test_price_approval_needs_the_permission(client, demo):
    ifs = enable("demo-ifs", "prices_out")
    ifs.price_currency = "CAD"  # every price stops at the guardrail
    ifs.save()
    flows.run(ifs, "prices_out")
    approval = PriceApproval.objects.filter(integration=ifs).first()
    clerk = get_user_model().objects.create_user("clerk", password="pw", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_priceapproval"))
    client.force_login(clerk)
    assert client.get("/admin/syncs/priceapproval/").status_code == 200
    client.post("/admin/syncs/priceapproval/", {"action": "reject", "_selected_action": [approval.pk]})
    approval.refresh_from_db()
    assert approval.state == "pending"
    finance = get_user_model().objects.create_user("fin", password="pw", is_staff=True)
    finance.user_permissions.add(*Permission.objects.filter(codename__in=["view_priceapproval", "decide_price"]))
    client.force_login(finance)
    client.post("/admin/syncs/priceapproval/", {"action": "reject", "_selected_action": [approval.pk]})
    approval.refresh_from_db()
    assert approval.state == "rejected" and approval.decided_by == finance
