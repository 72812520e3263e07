"""WFS orders (DESIGN §1): Walmart ships them, so we never acknowledge or cancel them; whether they
post is the integration's choice — by default yes for revenue documents (CloudSuite GL, Exact
invoices), no for fulfilment documents (IFS and M3 orders, PeopleSoft receipts)."""

import pytest

from connectors.models import Connection
from mappings import demo as mapping_demo
from syncs.models import Integration, MarketplaceOrder, StockReservation
from syncs.orders.post import post_due
from syncs.orders.validate import validate
from tests.syncs.orderkit import ScriptedErp, add_order

S = MarketplaceOrder.Status


def integration_on(system, **settings):
    walmart = Connection.objects.create(name=f"wm-{system}", system="walmart", config={"client_id": "x"})
    erp = Connection.objects.create(name=f"erp-{system}", system=system, config={})
    integration = Integration.objects.create(slug=system.replace("_", "-"), name=system, walmart=walmart, erp=erp,
                                             enabled_flows=["orders_in"], **settings)
    mapping_demo.seed(integration)
    return integration


@pytest.mark.parametrize("system, setting, posts", [
    ("exact_online", "auto", True), ("infor_cloudsuite", "auto", True), ("ifs_cloud", "auto", False),
    ("infor_m3", "auto", False), ("exact_online", "no", False), ("ifs_cloud", "yes", True),
])
def test_wfs_orders_post_per_the_integration_setting(db, system, setting, posts):
    integration = integration_on(system, wfs_posting=setting)
    order = add_order(integration, "4400000000001", [("WM-KITC-0001", 1, "20.00", "1.65", 0)],
                      ship_node="WFS-1001", node_type="WFSFulfilled")
    assert order.status == (S.PENDING if posts else S.READ_ONLY)


def test_a_posted_wfs_order_takes_no_seller_stock_and_is_never_acknowledged(db):
    from syncs.orders.walmart_side import acknowledge_due

    integration = integration_on("exact_online")
    erp = ScriptedErp(stock={})  # nothing in the seller's warehouses: Walmart ships from its own
    order = add_order(integration, "4400000000002", [("WM-KITC-0001", 1, "20.00", "1.65", 0)],
                      ship_node="WFS-1001", node_type="WFSFulfilled")
    assert validate(integration, adapter=erp) == {"ready": 1}
    assert not StockReservation.objects.exists()
    assert post_due(integration, adapter=erp) == {"posted": 1}
    assert acknowledge_due(integration, client=object()) == {"acknowledged": 0, "failed": 0}
    order.refresh_from_db()
    assert order.status == S.POSTED and order.acknowledged_at is None
