"""The IFS emulator in the admin: orders are listed, and the warehouse actions ship and cancel them."""

from decimal import Decimal

from django.urls import reverse

from sandbox import catalog, clock
from sandbox.ifs_cloud import warehouse
from sandbox.ifs_cloud.models import CustomerOrder, CustomerOrderLine, InventoryPartInStock, Shipment
from sandbox.ifs_cloud.seed import DEMO_REALM, seed_demo

# A demo part with 15 units at Dallas (10 at A-01, 5 at A-09).
PART = next(i.item_code for i in catalog.items() if i.stock["DAL"] == 15)


def released_order(quantity):
    order = CustomerOrder.objects.create(
        realm=DEMO_REALM, order_no=warehouse.next_order_no(DEMO_REALM), company=catalog.COMPANY, contract="DAL1",
        customer_no=catalog.CUSTOMER_NO, customer_po_no="WMT-A1", currency_code="USD", order_id="NO",
        authorize_code="WALMART", wanted_delivery_date=clock.now(), date_entered=clock.now(), objstate="Released",
    )
    CustomerOrderLine.objects.create(order=order, line_no="1", contract="DAL1", catalog_no=PART, part_no=PART,
                                     buy_qty_due=Decimal(quantity), desired_qty=Decimal(quantity),
                                     sale_unit_price=Decimal("9.99"))
    warehouse.reserve(order)
    return order


def available():
    return sum(r.available_qty for r in InventoryPartInStock.objects.filter(realm=DEMO_REALM, contract="DAL1",
                                                                             part_no=PART))


def test_orders_are_listed(admin_client, db):
    seed_demo()
    order = released_order(2)
    response = admin_client.get(reverse("admin:sandbox_ifs_cloud_customerorder_changelist"))
    assert response.status_code == 200 and order.order_no in response.content.decode()
    detail = admin_client.get(reverse("admin:sandbox_ifs_cloud_customerorder_change", args=[order.pk]))
    assert detail.status_code == 200 and PART in detail.content.decode()


def test_ship_issues_the_reserved_stock(admin_client, db):
    seed_demo()
    order = released_order(12)
    assert available() == 3
    admin_client.post(reverse("admin:sandbox_ifs_cloud_customerorder_changelist"),
                      {"action": "ship", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.objstate == "Delivered" and Shipment.objects.filter(realm=DEMO_REALM).count() == 1
    rows = InventoryPartInStock.objects.filter(realm=DEMO_REALM, contract="DAL1", part_no=PART)
    assert sum(r.qty_onhand for r in rows) == 3 and sum(r.qty_reserved for r in rows) == 0 and available() == 3


def test_cancel_releases_the_reservation(admin_client, db):
    seed_demo()
    order = released_order(12)
    admin_client.post(reverse("admin:sandbox_ifs_cloud_customerorder_changelist"),
                      {"action": "cancel", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.objstate == "Cancelled" and available() == 15
    assert order.lines.get().objstate == "Cancelled"
