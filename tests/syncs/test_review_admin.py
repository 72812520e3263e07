"""The review queue in the admin, as staff use it: filter by reason, fix a mapping and approve in
bulk, reject with Walmart's cancellation reason, post anyway only with the permission and a reason;
the order page's preview shows the exact ERP payload."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from audit.models import AuditEvent
from connectors.models import Connection
from mappings import demo as mapping_demo
from mappings.models import SkuMap
from sandbox.infor_cloudsuite.seed import provision_connection as provision_cloudsuite
from syncs.models import Integration, MarketplaceOrder
from syncs.orders.validate import validate
from tests.syncs.orderkit import ScriptedErp, add_order

S = MarketplaceOrder.Status
QUEUE = "/admin/syncs/revieworder/"


def staff(group):
    user = get_user_model().objects.create_user(f"u-{group}", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def flagged(db):
    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    erp = Connection.objects.create(name="exact", system="exact_online", config={})
    integration = Integration.objects.create(slug="acme", name="Acme", walmart=walmart, erp=erp,
                                             enabled_flows=["orders_in"], check_stock=False)
    mapping_demo.seed(integration)
    orders = [add_order(integration, f"30{i}", [(f"NEW-SKU-{i}", 1, "10.00", "0.80", 0)]) for i in range(3)]
    orders.append(add_order(integration, "399", [("WM-KITC-0001", 1, "10.00", "0.80", 0)], address1=""))
    validate(integration, adapter=ScriptedErp())
    return integration, orders


def act(client, action, orders, **extra):
    return client.post(QUEUE, {"action": action, "_selected_action": [o.pk for o in orders], **extra}, follow=True)


def test_queue_lists_orders_in_review_filtered_by_reason(client, flagged):
    client.force_login(staff("Operations"))
    page = client.get(QUEUE)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("unmapped_sku") >= 3 and "invalid_address" in text and "Acknowledge by" in text
    only = client.get(QUEUE + "?review_reason=invalid_address").content.decode()
    assert "399" in only and "300" not in only


def test_fix_the_mapping_then_approve_in_bulk(client, flagged):
    integration, orders = flagged
    user = staff("Operations")
    client.force_login(user)
    for i in range(3):
        SkuMap.objects.create(integration=integration, walmart_sku=f"NEW-SKU-{i}", erp_item="ITM00001", unit="EA")
    page = act(client, "approve", orders[:3])
    assert "3 order(s) passed" in page.content.decode()
    assert set(MarketplaceOrder.objects.filter(pk__in=[o.pk for o in orders[:3]]).values_list("status", flat=True)) == {S.READY}
    assert AuditEvent.objects.filter(action="order.review.revalidate", user=user).count() == 3


def test_approve_without_a_fix_keeps_the_order_in_review(client, flagged):
    _, orders = flagged
    client.force_login(staff("Operations"))
    page = act(client, "approve", orders[3:])
    assert "1 still need review" in page.content.decode()
    orders[3].refresh_from_db()
    assert (orders[3].status, orders[3].review_reason) == (S.NEEDS_REVIEW, "invalid_address")


def test_reject_asks_for_the_cancellation_reason_then_rejects(client, flagged):
    _, orders = flagged
    user = staff("Finance")
    client.force_login(user)
    form = act(client, "reject", orders[:1])
    assert "SELLER_CANCEL_OUT_OF_STOCK" in form.content.decode()  # the intermediate page
    MarketplaceOrder.objects.get(pk=orders[0].pk).status == S.NEEDS_REVIEW
    act(client, "reject", orders[:1], confirm="1", cancel_reason="SELLER_CANCEL_PRICING_ERROR")
    orders[0].refresh_from_db()
    assert (orders[0].status, orders[0].cancel_state, orders[0].cancel_reason) == (
        S.REJECTED, "pending", "SELLER_CANCEL_PRICING_ERROR")
    assert AuditEvent.objects.get(action="order.review.rejected").user == user


def test_post_anyway_needs_the_permission_and_a_reason(client, flagged):
    _, orders = flagged
    client.force_login(staff("Operations"))
    refused = act(client, "post_anyway", orders[3:], confirm="1", reason="checked by phone")
    assert refused.status_code == 200
    orders[3].refresh_from_db()
    assert orders[3].status == S.NEEDS_REVIEW  # the action is not offered to Operations
    admin_user = staff("Administrators")
    client.force_login(admin_user)
    empty = act(client, "post_anyway", orders[3:], confirm="1", reason="")
    assert "This field is required" in empty.content.decode()
    act(client, "post_anyway", orders[3:], confirm="1", reason="address confirmed by the buyer")
    orders[3].refresh_from_db()
    assert orders[3].status == S.READY
    event = AuditEvent.objects.get(action="order.review.post_anyway")
    assert event.user == admin_user and event.message == "address confirmed by the buyer"


def test_a_user_without_order_permissions_gets_403(client, flagged):
    user = get_user_model().objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403


def test_preview_posting_shows_the_payload_and_writes_nothing(client, sandbox):
    from sandbox.infor_cloudsuite import stats

    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    erp = provision_cloudsuite("fsm", sandbox)
    integration = Integration.objects.create(slug="fsm", name="FSM", walmart=walmart, erp=erp, enabled_flows=["orders_in"])
    mapping_demo.seed(integration)
    order = add_order(integration, "501", [("WM-KITC-0001", 2, "10.00", "1.60", "4.99")])
    # A transactional test: the groups of the migrations may have been flushed by an earlier one.
    client.force_login(get_user_model().objects.create_superuser("boss", password="pw"))
    page = client.get(f"/admin/syncs/marketplaceorder/{order.pk}/preview/")
    text = page.content.decode()
    assert page.status_code == 200 and "What the ERP would receive" in text
    assert "Walmart PO 501" in text and "WM-KITC-0001" in text
    assert stats.documents()["gl_transactions"] == 0
    assert client.get(f"/admin/syncs/marketplaceorder/{order.pk}/change/").content.decode().count("Preview posting") == 1
