"""The IFS emulator's OData behaviour, driven through connectors.http over real HTTP: $filter
grammar and its errors, $select/$orderby/$count, routing errors, bearer checks, body validation."""

from decimal import Decimal

import pytest

from connectors import http
from connectors.errors import ConfigError, PermanentError
from connectors.ifs_cloud.client import IfsClient
from connectors.ifs_cloud.odata import query
from sandbox.ifs_cloud.models import InventoryPartInStock
from sandbox.ifs_cloud.seed import provision_connection, seed_demo

ORDERS = "CustomerOrderHandling.svc/CustomerOrderSet"
STOCK = "InventoryPartInStockHandling.svc/InventoryPartInStockSet"
SITES = "CompanySiteHandling.svc/CompanySiteSet"
HEADER = {
    "CustomerNo": "WALMART-MP", "CurrencyCode": "USD", "Contract": "DAL1", "AuthorizeCode": "WALMART",
    "OrderId": "NO", "WantedDeliveryDate": "2026-12-04T00:00:00Z",
}


@pytest.fixture
def conn(sandbox):
    seed_demo()
    return provision_connection("ifs", sandbox)


def get(conn, path, **options):
    return http.send(conn, "GET", f"{path}?{query(**options)}").json()


def sites(conn, condition):
    return [row["Contract"] for row in get(conn, SITES, filter=condition, orderby="Contract")["value"]]


@pytest.mark.parametrize("condition, expected", [
    ("Contract eq 'DAL1'", ["DAL1"]),
    ("Contract ne 'DAL1'", ["ATL1", "RNO1", "WFS1"]),
    ("Contract gt 'DAL1' and Contract le 'RNO1'", ["RNO1"]),
    ("Contract lt 'DAL1' or (Contract ge 'WFS1')", ["ATL1", "WFS1"]),
    ("not (Contract eq 'DAL1' or Contract eq 'RNO1') and Company eq '10'", ["ATL1", "WFS1"]),
    ("Description eq 'O''Hare DC'", []),
    ("Company eq null", []),
])
def test_filter_grammar(conn, condition, expected):
    assert sites(conn, condition) == expected


def test_numbers_select_orderby_and_count(conn):
    body = get(conn, STOCK, filter="Contract eq 'DAL1' and AvailableQty ge 30.5", select="PartNo,AvailableQty",
               orderby="AvailableQty desc,PartNo", count="true", top=3)
    expected = InventoryPartInStock.objects.filter(contract="DAL1", available_qty__gte=Decimal("30.5")).count()
    assert body["@odata.count"] == expected > 3
    assert len(body["value"]) == 3 and set(body["value"][0]) == {"@odata.etag", "PartNo", "AvailableQty"}
    quantities = [row["AvailableQty"] for row in body["value"]]
    assert quantities == sorted(quantities, reverse=True) and quantities[-1] >= 31
    assert body["@odata.context"].endswith("InventoryPartInStockHandling.svc/$metadata#InventoryPartInStockSet(PartNo,AvailableQty)")


def test_enumerations_need_qualified_literals(conn):
    client = IfsClient(conn)
    order = client.create_customer_order({**HEADER, "CustomerPoNo": "WMT-E1"})
    rows = get(conn, ORDERS, filter="Objstate eq IfsApp.CustomerOrderHandling.CustomerOrderState'Planned'")["value"]
    assert [r["OrderNo"] for r in rows] == [order.order_no]
    with pytest.raises(PermanentError, match="qualified literal") as plain:
        get(conn, ORDERS, filter="Objstate eq 'Planned'")
    assert plain.value.status == 400 and plain.value.vendor_code == "ODP_INVALID_FILTER"
    with pytest.raises(PermanentError, match="does not match"):
        get(conn, ORDERS, filter="Objstate eq IfsApp.ShipmentHandling.ShipmentState'Planned'")


def test_dates_filter(conn):
    IfsClient(conn).create_customer_order({**HEADER, "CustomerPoNo": "WMT-D1"})
    assert len(get(conn, ORDERS, filter="WantedDeliveryDate ge 2026-12-04T00:00:00Z")["value"]) == 1
    assert get(conn, ORDERS, filter="WantedDeliveryDate lt 2026-12-04")["value"] == []


@pytest.mark.parametrize("options, message", [
    ({"filter": "Colour eq 'red'"}, "Property 'Colour' does not exist"),
    ({"filter": "Contract eq"}, "Missing value"),
    ({"filter": "Contract like 'D%'"}, "Unsupported operator 'like'"),
    ({"filter": "(Contract eq 'DAL1'"}, r"Missing '\)'"),
    ({"filter": "Contract eq 5"}, "cannot be compared"),
    ({"select": "Contract,Colour"}, "Property 'Colour' in \\$select"),
    ({"orderby": "Contract sideways"}, "Invalid \\$orderby"),
    ({"top": "-1"}, "not a non-negative integer"),
])
def test_bad_query_options_are_400(conn, options, message):
    with pytest.raises(PermanentError, match=message) as refused:
        get(conn, SITES, **options)
    assert refused.value.status == 400


def test_entity_by_key_has_an_etag_header(conn):
    response = http.send(conn, "GET", f"{SITES}('DAL1')")
    assert response.json()["Contract"] == "DAL1" and response.headers["ETag"] == response.json()["@odata.etag"]
    with pytest.raises(PermanentError, match="ODP_RESOURCE_NOTFOUND") as missing:
        http.send(conn, "GET", f"{SITES}(Contract='NOPE')")
    assert missing.value.status == 404
    with pytest.raises(PermanentError, match="ODP_INVALID_KEY"):
        http.send(conn, "GET", f"{SITES}(Site='DAL1')")


def test_routing_errors(conn):
    with pytest.raises(PermanentError, match="Resource not found for the segment") as unknown:
        http.send(conn, "GET", "CustomerOrderHandling.svc/NoSuchSet")
    assert unknown.value.status == 404
    with pytest.raises(PermanentError) as wrong_verb:
        http.send(conn, "GET", "PriceQueryHandling.svc/CleanPriceQuery")
    assert wrong_verb.value.status == 405


def test_a_bearer_token_is_required(conn):
    with pytest.raises(ConfigError) as refused:
        http.send(conn, "GET", SITES, auth=False)
    assert refused.value.status == 401


def test_bodies_are_checked(conn):
    with pytest.raises(PermanentError, match="ODP_DESERIALIZATION_ERROR"):
        http.send(conn, "POST", ORDERS, ok=(201,), data="{not json", headers={"Content-Type": "application/json"})
    with pytest.raises(PermanentError, match="invalid value for property 'WantedDeliveryDate'"):
        http.send(conn, "POST", ORDERS, ok=(201,), json={**HEADER, "WantedDeliveryDate": "next week"})
    with pytest.raises(PermanentError, match="Property 'OrderNo' of CustomerOrderSet cannot be set"):
        http.send(conn, "POST", ORDERS, ok=(201,), json={**HEADER, "OrderNo": "C1"})
    order = IfsClient(conn).create_customer_order({**HEADER, "CustomerPoNo": "WMT-B1"})
    with pytest.raises(PermanentError, match="invalid value for property 'CatalogType'"):
        IfsClient(conn).add_order_line(order.order_no, {"CatalogNo": "ITM00001", "BuyQtyDue": 1, "CatalogType": "Gadget"})


def test_realms_do_not_see_each_others_data(sandbox):
    seed_demo()
    seed_demo(realm="other")
    mine = provision_connection("ifs", sandbox)
    theirs = provision_connection("ifs-other", sandbox, realm="other")
    IfsClient(mine).create_customer_order({**HEADER, "CustomerPoNo": "WMT-R1"})
    assert IfsClient(theirs).find_orders_by_customer_po("WMT-R1") == []
    assert len(IfsClient(mine).find_orders_by_customer_po("WMT-R1")) == 1
