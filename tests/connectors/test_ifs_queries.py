"""IFS reads through the client: stock summed per part and site, paging to the last page ($top/$skip
and @odata.nextLink), price queries and their cleanup, customers, sales parts, shipments."""

from decimal import Decimal

import pytest

from connectors.errors import PermanentError
from connectors.ifs_cloud.client import IfsClient
from sandbox import catalog, clock
from sandbox.ifs_cloud import warehouse
from sandbox.ifs_cloud.models import Customer, PriceQuery
from sandbox.ifs_cloud.seed import DEMO_REALM, provision_connection, seed_demo
from sandbox.models import Call

PARTS = [i.item_code for i in catalog.items()[:7]]


@pytest.fixture
def conn(sandbox):
    seed_demo()
    return provision_connection("ifs", sandbox)


def calls(fragment):
    return Call.objects.filter(system="ifs_cloud", method="GET", path__contains=fragment).count()


def test_stock_sums_every_record_per_part(conn):
    items = catalog.items()[:60]
    stock = IfsClient(conn).stock([i.item_code for i in items] + ["ITM99999"], "RNO1")
    assert stock == {**{i.item_code: Decimal(i.stock["RNO"]) for i in items}, "ITM99999": Decimal(0)}
    # The catalog has split records among these (over 10 units), and two requests (40 parts per query).
    assert any(i.stock["RNO"] > 10 for i in items)
    assert calls("InventoryPartInStockSet") == 2


def test_the_stock_query_keeps_dollar_option_names(conn):
    IfsClient(conn).stock(["ITM00001", "ITM00002"], "DAL1")
    path = Call.objects.filter(path__contains="InventoryPartInStockSet").values_list("path", flat=True).first()
    assert "?$filter=(PartNo%20eq%20'ITM00001'%20or%20PartNo%20eq%20'ITM00002')%20and%20(Contract%20eq%20'DAL1')" in path
    assert "$select=PartNo,Contract,AvailableQty" in path and "%24" not in path


def test_top_skip_paging_reaches_the_last_page(conn):
    parts = IfsClient(conn, page_size=3).sales_parts("ATL1", PARTS)
    assert [p.catalog_no for p in parts] == PARTS
    assert calls("SalesPartSet") == 3  # 3 + 3 + 1


def test_an_exactly_full_last_page_costs_one_empty_read(conn):
    parts = IfsClient(conn, page_size=7).sales_parts("ATL1", PARTS)
    assert len(parts) == 7 and calls("SalesPartSet") == 2


def test_next_link_paging_reaches_the_last_page(sandbox):
    seed_demo()
    conn = provision_connection("ifs", sandbox, max_page_size=2)
    parts = IfsClient(conn).sales_parts("ATL1", PARTS)
    assert [p.catalog_no for p in parts] == PARTS
    paths = list(Call.objects.filter(path__contains="SalesPartSet").order_by("id").values_list("path", flat=True))
    assert len(paths) == 4  # 2 + 2 + 2 + 1, each later page from the server's nextLink
    assert "$skip=6" in paths[-1]


def test_long_part_lists_are_split_and_an_empty_list_reads_nothing(conn):
    many = [i.item_code for i in catalog.items()[:45]]
    client = IfsClient(conn)
    assert [p.catalog_no for p in client.sales_parts("DAL1", many)] == many
    assert calls("SalesPartSet") == 2  # 40 + 5 catalog numbers per query
    assert client.sales_parts("DAL1", []) == [] and client.stock([], "DAL1") == {}
    assert calls("SalesPartSet") == 2 and calls("InventoryPartInStockSet") == 0


def test_sales_parts_carry_decimal_prices(conn):
    item = catalog.items()[4]
    (part,) = IfsClient(conn).sales_parts("DAL1", [item.item_code])
    assert (part.part_no, part.description, part.list_price) == (item.item_code, item.name, item.price)
    assert isinstance(part.list_price, Decimal)


def test_price_queries_are_cleaned(conn):
    Customer.objects.filter(realm=DEMO_REALM, customer_id=catalog.CUSTOMER_NO).update(discount=Decimal("10"))
    items = catalog.items()[:3]
    prices = IfsClient(conn).net_prices([i.item_code for i in items], customer_no=catalog.CUSTOMER_NO, site="DAL1",
                                        currency_code="USD")
    assert prices == {i.item_code: (i.price * Decimal("0.9")).quantize(Decimal("0.01")) for i in items}
    assert not PriceQuery.objects.exists()
    assert Call.objects.filter(path__endswith="PriceQueryHandling.svc/CleanPriceQuery", status=204).count() == 1


def test_a_failed_price_query_still_cleans_up(conn):
    with pytest.raises(PermanentError, match="Sales Part NOPE does not exist"):
        IfsClient(conn).net_prices(["ITM00001", "NOPE"], customer_no=catalog.CUSTOMER_NO, site="DAL1", currency_code="USD")
    assert not PriceQuery.objects.exists()


def test_customer(conn):
    client = IfsClient(conn)
    found = client.customer(catalog.CUSTOMER_NO)
    assert (found.customer_no, found.name) == (catalog.CUSTOMER_NO, catalog.CUSTOMER_NAME)
    assert client.customer("NOBODY") is None


def test_shipments_and_their_lines(conn, advance):
    client = IfsClient(conn)
    order = client.create_customer_order({
        "CustomerNo": catalog.CUSTOMER_NO, "CustomerPoNo": "WMT-S1", "CurrencyCode": "USD", "Contract": "DAL1",
        "AuthorizeCode": "WALMART", "OrderId": "NO", "WantedDeliveryDate": "2026-12-04T00:00:00Z", "ShipViaCode": "UPS",
    })
    client.add_order_line(order.order_no, {"CatalogNo": PARTS[0], "BuyQtyDue": Decimal(3)})
    client.release_customer_order(order.order_no, client.get_customer_order(order.order_no).etag)
    before = clock.now()
    shipment = warehouse.ship_order(DEMO_REALM, order.order_no)

    (listed,) = client.shipments("DAL1", state="Closed", shipped_since=before)
    assert (listed.shipment_id, listed.receiver_id, listed.ship_via_code) == (shipment.shipment_id, "WALMART-MP", "UPS")
    assert client.shipments("DAL1", state="Preliminary") == []
    advance(60)
    assert client.shipments("DAL1", shipped_since=clock.now()) == []
    (line,) = client.shipment_lines(shipment.shipment_id)
    assert (line.order_no, line.order_line_no, line.part_no, line.quantity) == (order.order_no, "1", PARTS[0], Decimal(3))
    assert client.get_customer_order(order.order_no).state == "Delivered"
