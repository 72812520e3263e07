"""Customer orders through the IFS client: create header + lines + shipping charge, read back,
ETag/If-Match updates, release, validation errors with IFS's messages, find_document."""

from decimal import Decimal

import pytest

from connectors import http
from connectors.errors import PermanentError
from connectors.ifs_cloud.adapter import Adapter
from connectors.ifs_cloud.client import IfsClient
from sandbox import catalog
from sandbox.ifs_cloud import stats, warehouse
from sandbox.ifs_cloud.seed import DEMO_REALM, provision_connection, seed_demo

HEADER = {
    "IsNewCustomer": False, "CustomerNo": "WALMART-MP", "BillAddrNo": "1", "ShipAddrNo": "2", "CurrencyCode": "USD",
    "ShipViaCode": "UPS", "WantedDeliveryDate": "2026-12-04T00:00:00Z", "Contract": "DAL1", "AuthorizeCode": "WALMART",
    "OrderId": "NO", "DeliveryTerms": "FOB", "PayTermId": "30",
}
# Insite's line field set (erp-samples/ifs/customer_order_line_create_request.json), for our demo part.
LINE = {
    "DeliverToCustomerNo": "WALMART-MP", "ShipAddrNo": "2", "Contract": "DAL1",
    "PlannedDeliveryDate": "2026-12-04T00:00:00Z", "WantedDeliveryDate": "2026-12-04T00:00:00Z",
    "TargetDate": "2026-12-04T00:00:00Z", "SalesUnitMeas": "PCS", "PriceUnitMeas": "PCS", "SupplyCode": "InventOrder",
    "ConvFactor": 1, "CurrencyRate": 1, "Discount": 0, "OrderDiscount": 0, "PriceConvFactor": 1, "QtyAssigned": 0,
    "QtyShort": 0, "CloseTolerance": 0, "PartPrice": 0, "CatalogType": "InventoryPart",
    "ConsignmentStock": "NoConsignmentStock", "ChargedItem": "ChargedItem", "CreateSmObjectOption": "DoNotCreateSMObject",
    "DefaultAddrFlag": "Yes", "AddrFlag": "No", "StagedBilling": "NotStagedBilling", "TaxLiability": "TAX",
    "SmConnection": "NotConnected", "PriceSource": "SalesPart", "PriceFreeze": "Free", "ConfigurationId": "*",
    "ReleasePlanning": "NotReleased", "Source": "CUSTOMERORDER", "FetchTaxFromDefaults": "TRUE",
}


# A demo part with stock records at two Dallas locations (the seed splits quantities above 10).
STOCKED = next(i.item_code for i in catalog.items() if i.stock["DAL"] == 15)  # 10 at A-01, 5 at A-09


@pytest.fixture
def client(sandbox):
    seed_demo()
    return IfsClient(provision_connection("ifs", sandbox))


def line(part, qty, price):
    return {**LINE, "CatalogNo": part, "PartNo": part, "BuyQtyDue": Decimal(qty), "DesiredQty": Decimal(qty),
            "RevisedQtyDue": Decimal(qty), "SaleUnitPrice": Decimal(price), "BaseSaleUnitPrice": Decimal(price),
            "UnitPriceInclTax": Decimal(price), "BaseUnitPriceInclTax": Decimal(price)}


def place(client, reference, lines=(("ITM00001", 2, "19.99"),), freight="7.49"):
    order = client.create_customer_order({**HEADER, "CustomerPoNo": reference})
    for part, qty, price in lines:
        client.add_order_line(order.order_no, {**line(part, qty, price), "Identity1": order.order_no})
    if freight is not None:
        client.add_order_charge(order.order_no, {"ChargeType": "FREIGHT", "ChargeAmount": Decimal(freight),
                                                 "ChargedQty": Decimal(1)})
    return order


def test_an_order_with_lines_and_shipping_reads_back(client):
    created = place(client, "WMT-1000001-1", lines=(("ITM00001", 2, "19.99"), ("ITM00002", 1, "5.05")))
    assert created.order_no.startswith("C1") and len(created.order_no) == 8
    assert created.state == "Planned" and created.company == "10" and created.etag.startswith('W/"')

    order = client.get_customer_order(created.order_no)
    assert (order.customer_po_no, order.site, order.customer_no) == ("WMT-1000001-1", "DAL1", "WALMART-MP")
    assert order.etag == created.etag

    lines = client.order_lines(created.order_no)
    assert [(x.line_no, x.part_no, x.quantity, x.unit_price, x.site) for x in lines] == [
        ("1", "ITM00001", Decimal(2), Decimal("19.99"), "DAL1"),
        ("2", "ITM00002", Decimal(1), Decimal("5.05"), "DAL1"),
    ]
    assert lines[0].data["CatalogType"] == "InventoryPart"
    charges = client.order_charges(created.order_no)
    assert [(c.sequence_no, c.charge_type, c.amount, c.quantity) for c in charges] == [
        (1, "FREIGHT", Decimal("7.49"), Decimal(1))]


def test_a_line_without_price_takes_the_sales_part_price(client):
    order = client.create_customer_order({**HEADER, "CustomerPoNo": "WMT-2"})
    added = client.add_order_line(order.order_no, {"CatalogNo": "ITM00003", "BuyQtyDue": Decimal(1)})
    listed = {p.catalog_no: p.list_price for p in client.sales_parts("DAL1", ["ITM00003"])}
    assert added.unit_price == listed["ITM00003"] and added.unit_price is not None


def test_etag_and_if_match(client):
    order = place(client, "WMT-3")
    current = client.get_customer_order(order.order_no)
    updated = client.patch_customer_order(order.order_no, current.etag, {"ShipViaCode": "FDX"})
    assert updated.data["ShipViaCode"] == "FDX" and updated.etag != current.etag

    with pytest.raises(PermanentError, match="changed by someone else") as stale:
        client.patch_customer_order(order.order_no, current.etag, {"ShipViaCode": "UPS"})
    assert stale.value.status == 412
    with pytest.raises(PermanentError, match="ODP_MISSING_PRECONDITION") as missing:
        client.patch_customer_order(order.order_no, "", {"ShipViaCode": "UPS"})
    assert missing.value.vendor_code == "ODP_MISSING_PRECONDITION"
    assert client.get_customer_order(order.order_no).data["ShipViaCode"] == "FDX"
    # The client drops nulls (as IFS clients do); a raw null on a mandatory field is refused by IFS.
    with pytest.raises(PermanentError, match=r"Field \[AuthorizeCode\] in Customer Order is mandatory"):
        http.send(client.connection, "PATCH", f"CustomerOrderHandling.svc/CustomerOrderSet('{order.order_no}')",
                  json={"AuthorizeCode": None}, headers={"If-Match": updated.etag})


def test_release_reserves_stock(client):
    before = client.stock([STOCKED], "DAL1")[STOCKED]
    assert before >= 15
    order = place(client, "WMT-4", lines=((STOCKED, 12, "19.99"),))
    with pytest.raises(PermanentError) as stale:
        client.release_customer_order(order.order_no, 'W/"c3RhbGU="')
    assert stale.value.status == 412
    client.release_customer_order(order.order_no, client.get_customer_order(order.order_no).etag)
    assert client.get_customer_order(order.order_no).state == "Released"
    # 12 units span both locations: reservation takes from the first, then the overflow location.
    assert client.stock([STOCKED], "DAL1")[STOCKED] == before - 12
    assert [x.state for x in client.order_lines(order.order_no)] == ["Released"]


@pytest.mark.parametrize("change, message", [
    ({"Contract": "DAL9"}, "Site DAL9 does not exist"),
    ({"Company": "20"}, "Site DAL1 belongs to company 10, not 20"),
    ({"CustomerNo": "NOBODY"}, "Customer NOBODY does not exist"),
    ({"OrderId": None}, "Field [OrderId] in Customer Order is mandatory"),
    ({"Colour": "red"}, "property 'Colour' does not exist"),
])
def test_header_validation_errors_carry_the_ifs_message(client, change, message):
    with pytest.raises(PermanentError, match=message.replace("[", r"\[").replace("]", r"\]")) as refused:
        client.create_customer_order({**HEADER, "CustomerPoNo": "WMT-5", **change})
    assert refused.value.status == 400 and refused.value.vendor_code
    assert stats.documents() == {"customer_orders": 0}


def test_an_unknown_part_is_refused_with_the_ifs_message(client):
    order = client.create_customer_order({**HEADER, "CustomerPoNo": "WMT-6"})
    with pytest.raises(PermanentError, match="Sales Part NOPE-1 does not exist on site DAL1"):
        client.add_order_line(order.order_no, line("NOPE-1", 1, "1.00"))
    with pytest.raises(PermanentError, match="Sales Charge Type POSTAGE does not exist on site DAL1"):
        client.add_order_charge(order.order_no, {"ChargeType": "POSTAGE", "ChargeAmount": Decimal("1.00")})


def test_find_document_by_our_reference(client):
    adapter = Adapter(client.connection)
    assert adapter.find_document("WMT-7") is None
    order = place(client, "WMT-7")
    found = adapter.find_document("WMT-7")
    assert (found.number, found.reference, found.kind) == (order.order_no, "WMT-7", "customer_order")
    assert found.data["duplicates"] == []
    assert adapter.find_document("WMT-7x") is None  # an exact match, not a prefix

    warehouse.cancel_order(DEMO_REALM, order.order_no)
    assert adapter.find_document("WMT-7") is None  # a cancelled attempt does not block a new post


def test_references_with_quotes_are_escaped(client):
    place(client, "WMT-O'Brien")
    assert [o.customer_po_no for o in client.find_orders_by_customer_po("WMT-O'Brien")] == ["WMT-O'Brien"]


def test_duplicate_references_counts_live_orders_only(client):
    first = place(client, "WMT-8")
    assert stats.duplicate_references() == 0
    second = place(client, "WMT-8")
    assert stats.duplicate_references() == 1
    assert Adapter(client.connection).find_document("WMT-8").data["duplicates"] == [second.order_no]
    warehouse.cancel_order(DEMO_REALM, second.order_no)
    assert stats.duplicate_references() == 0
    assert stats.documents() == {"customer_orders": 2}
    assert Adapter(client.connection).find_document("WMT-8").number == first.order_no
