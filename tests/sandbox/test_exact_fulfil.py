"""The Exact Online emulator's warehouse for `manage.py sandbox ship / cancel-line / touch-items`
(sandbox.exact_online.fulfil): goods deliveries made, sales order line and order statuses, what the
GoodsDeliveries endpoints serve, and the sentences it refuses with."""

from decimal import Decimal

import pytest

from connectors.exact_online.adapter import Adapter
from connectors.exact_online.client import ExactClient
from sandbox.exact_online import fulfil
from sandbox.exact_online.models import Document
from sandbox.exact_online.seed import provision_connection
from tests.connectors.test_exact_post_order import line, posting


@pytest.fixture
def exact(sandbox):
    conn = provision_connection("exact-fulfil", sandbox)
    Adapter(conn).post_order(posting("1796277485301", line(1, "ITM00001", 4, "40.00", shipping="5.00"),
                                     line(2, "ITM00002", 1, "10.00")))
    return conn


def statuses():
    so = Document.objects.get(your_ref="1796277485301-SO")
    return so.data["Status"], [(x["Notes"], x["QuantityDelivered"], x["DeliveryStatus"])
                               for x in so.data["SalesOrderLines"][:2]]


def test_two_packages_make_two_goods_deliveries_the_api_serves(exact):
    shipped = fulfil.ship("1796277485301", lines=[1], quantity=3, packages=2, carrier="FEDX")
    assert [(p["line"], p["item"], p["quantity"]) for p in shipped] == [("1", "ITM00001", 2), ("1", "ITM00001", 1)]
    assert statuses() == (20, [("Walmart line 1", 3, 20), ("Walmart line 2", 0, 12)])
    client = ExactClient(exact)
    deliveries = client.goods_deliveries()
    assert sorted((d["TrackingNumber"], d["ShippingMethodCode"]) for d in deliveries) == sorted(
        (p["tracking_number"], "FEDX") for p in shipped)
    lines = client.goods_delivery_lines([d["EntryID"] for d in deliveries])
    assert sorted(x["QuantityDelivered"] for x in lines) == [Decimal(1), Decimal(2)]
    fulfil.ship("1796277485301")
    assert statuses() == (21, [("Walmart line 1", 4, 21), ("Walmart line 2", 1, 21)])


def test_cancelling_a_line_and_completing_one_short(exact):
    row = fulfil.cancel_line("1796277485301", 2)
    assert (row["line"], row["item"], row["quantity"], row["status"]) == ("2", "ITM00002", 1, 45)
    assert statuses() == (12, [("Walmart line 1", 0, 12), ("Walmart line 2", 0, 45)])
    fulfil.ship("1796277485301", quantity=1)
    fulfil.cancel_line("1796277485301", 1)
    assert statuses() == (21, [("Walmart line 1", 1, 21), ("Walmart line 2", 0, 45)])


def test_refusals_name_the_problem(exact):
    with pytest.raises(ValueError, match="no sales order has YourRef NOPE-SO"):
        fulfil.ship("NOPE")
    with pytest.raises(ValueError, match="no open Walmart line 9"):
        fulfil.ship("1796277485301", lines=[9])
    with pytest.raises(ValueError, match="has 4 open; cannot ship 5"):
        fulfil.ship("1796277485301", lines=[1], quantity=5)
    with pytest.raises(ValueError, match="all of it"):
        fulfil.cancel_line("1796277485301", 1, quantity=2)
    with pytest.raises(ValueError, match="items_out is not offered for Exact Online"):
        fulfil.touch_items(3)
