"""Posting Walmart orders into IFS Cloud through the adapter, against the emulator over real HTTP:
what lands (read back through the client), calls per order, a lost answer completed without a
duplicate, IFS's refusals, the preview, stock levels."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from connectors.contract import Address, OrderPosting, PostingCharge, PostingLine, StockLevel
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError, RecoverableError
from connectors.ifs_cloud.adapter import Adapter
from sandbox import catalog, clock
from sandbox.ifs_cloud import stats
from sandbox.ifs_cloud.models import CustomerOrder, InventoryPartInStock
from sandbox.ifs_cloud.seed import provision_connection, seed_demo
from sandbox.models import Call, Fault

STOCKED = next(i.item_code for i in catalog.items() if i.stock["DAL"] == 15)  # 10 at A-01, 5 at A-09


def wline(number, item, qty, product, shipping="0", tax="0", site="DAL1"):
    charges = [PostingCharge("PRODUCT", Decimal(product), Decimal(tax))]
    if Decimal(shipping):
        charges.append(PostingCharge("SHIPPING", Decimal(shipping)))
    return PostingLine(line_number=str(number), sku=f"WM-{item}", erp_item=item, quantity=Decimal(qty),
                       walmart_quantity=Decimal(qty), warehouse=site, location="A-01", charges=tuple(charges))


def posting(reference, *lines, customer="WALMART-MP"):
    return OrderPosting(
        reference=reference, purchase_order_id=reference, customer_order_id="200012345678", currency="USD",
        order_date=datetime(2026, 11, 29, 15, 30, tzinfo=timezone.utc), customer=customer,
        ship_to=Address("Jane Doe", "1 Main St", "", "Dallas", "TX", "75201", "US"), lines=tuple(lines),
        ship_method="Standard",
        product_total=sum((x.amount("PRODUCT") for x in lines), Decimal(0)),
        shipping_total=sum((x.amount("SHIPPING") for x in lines), Decimal(0)),
        tax_total=sum((x.tax for x in lines), Decimal(0)),
    )


def adapter_for(sandbox, **config):
    seed_demo()
    adapter = Adapter(provision_connection("ifs", sandbox, **config))
    adapter.ping()  # the token first, so counted calls and faults meet business calls only
    return adapter


@pytest.fixture
def adapter(sandbox):
    return adapter_for(sandbox)


def business_calls():
    return list(Call.objects.filter(system="ifs_cloud", path__contains="/projection/").order_by("id"))


def fault(mode, **kwargs):
    return Fault.objects.create(system="ifs_cloud", mode=mode, starts_at=clock.now(), **kwargs)


def read_back(adapter, order_no):
    client = adapter.client
    return client.get_customer_order(order_no), client.order_lines(order_no), client.order_charges(order_no)


def test_a_single_line_order_with_shipping_and_tax_reads_back(adapter):
    order = posting("WMT-1001", wline(1, "ITM00001", 2, "39.98", shipping="5.49", tax="3.30"))
    before = len(business_calls())
    document = adapter.post_order(order)
    calls = business_calls()[before:]
    assert [(c.method, c.status) for c in calls] == [("POST", 201)] * 3  # header, line, charge: no lookup first

    header, lines, charges = read_back(adapter, document.number)
    assert (document.kind, document.reference, document.complete) == ("customer_order", "WMT-1001", True)
    assert (header.customer_po_no, header.data["ExternalRef"], header.site, header.company, header.customer_no) == (
        "WMT-1001", "WMT-1001", "DAL1", "10", "WALMART-MP")
    assert (header.data["OrderId"], header.data["AuthorizeCode"], header.state) == ("NO", "WALMART", "Planned")
    assert "Walmart tax 3.30 USD" in header.data["NoteText"] and "Jane Doe" in header.data["NoteText"]
    assert [(x.catalog_no, x.quantity, x.unit_price, x.site, x.data["CustomerPoLineNo"]) for x in lines] == [
        ("ITM00001", Decimal(2), Decimal("19.99"), "DAL1", "1")]
    assert [(c.charge_type, c.amount, c.quantity) for c in charges] == [("FREIGHT", Decimal("5.49"), Decimal(1))]
    assert sum(x.quantity * x.unit_price for x in lines) == order.product_total
    assert sum(c.amount * c.quantity for c in charges) == order.shipping_total
    assert document.data["etag"] == header.etag and document.data["lines"] == 1
    assert document.data["walmart_tax_total"] == "3.30" and Decimal(document.data["product_difference"]) == 0
    assert adapter.find_document("WMT-1001").complete is True


def test_a_multi_line_order_is_posted_and_released(sandbox):
    adapter = adapter_for(sandbox, release_orders=True)
    stock_before = adapter.client.stock([STOCKED], "DAL1")[STOCKED]
    order = posting(
        "WMT-1002",
        wline(1, "ITM00002", 1, "5.05", shipping="2.00", tax="0.42"),
        wline(2, STOCKED, 12, "120.00", shipping="3.50", tax="9.90"),
        wline(3, "ITM00003", 3, "10.00", tax="0.83"),  # 3.3333.. a unit: IFS keeps 4 places
    )
    before = len(business_calls())
    document = adapter.post_order(order)
    calls = business_calls()[before:]
    # header + 3 lines + charge + release + a read for the released order's ETag
    assert [c.method for c in calls] == ["POST"] * 6 + ["GET"] and len(calls) == 7

    header, lines, charges = read_back(adapter, document.number)
    assert header.state == "Released" and document.data["state"] == "Released"
    assert document.data["etag"] == header.etag  # current: a later PATCH with it succeeds
    adapter.client.patch_customer_order(document.number, document.data["etag"], {"LabelNote": "checked"})
    assert [(x.line_no, x.catalog_no, x.quantity, x.unit_price, x.data["CustomerPoLineNo"]) for x in lines] == [
        ("1", "ITM00002", Decimal(1), Decimal("5.05"), "1"),
        ("2", STOCKED, Decimal(12), Decimal(10), "2"),
        ("3", "ITM00003", Decimal(3), Decimal("3.3333"), "3"),
    ]
    assert {x.site for x in lines} == {"DAL1"}
    assert [(c.charge_type, c.amount) for c in charges] == [("FREIGHT", Decimal("5.50"))] == [
        ("FREIGHT", order.shipping_total)]
    product = sum(x.quantity * x.unit_price for x in lines)
    assert product - order.product_total == Decimal("-0.0001") == Decimal(document.data["product_difference"])
    assert adapter.stock_levels([STOCKED], "DAL1") == [StockLevel(STOCKED, "DAL1", stock_before - 12)]


def test_a_dropped_create_is_found_half_done_and_completed_once(adapter):
    order = posting("WMT-1003", wline(1, "ITM00001", 2, "39.98", shipping="5.49"), wline(2, "ITM00002", 1, "5.05"))
    fault("drop_after_commit", method="POST", path_contains="CustomerOrderSet")
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(order)
    Fault.objects.all().delete()

    found = adapter.find_document("WMT-1003")
    assert found is not None and found.complete is False
    assert (found.data["lines"], found.data["expected_lines"], found.data["duplicates"]) == (0, 2, [])
    document = adapter.post_order(order, existing=found)
    assert document.number == found.number and document.complete
    assert adapter.find_document("WMT-1003").complete is True
    _, lines, charges = read_back(adapter, found.number)
    assert [x.catalog_no for x in lines] == ["ITM00001", "ITM00002"] and len(charges) == 1
    assert CustomerOrder.objects.filter(customer_po_no="WMT-1003").count() == 1
    assert stats.duplicate_references() == 0


def test_a_dropped_line_is_not_added_twice(adapter):
    order = posting("WMT-1004", wline(1, "ITM00001", 2, "39.98"), wline(2, "ITM00002", 1, "5.05", shipping="1.00"))
    fault("drop_after_commit", method="POST", path_contains="OrderLinesArray")
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(order)
    Fault.objects.all().delete()

    found = adapter.find_document("WMT-1004")
    assert (found.complete, found.data["lines"]) == (False, 1)  # the dropped line was committed
    adapter.post_order(order, existing=found)
    _, lines, charges = read_back(adapter, found.number)
    assert [(x.line_no, x.data["CustomerPoLineNo"]) for x in lines] == [("1", "1"), ("2", "2")]
    assert [c.amount for c in charges] == [Decimal("1.00")]
    assert adapter.find_document("WMT-1004").complete is True


def test_an_unreleased_order_is_incomplete_when_release_is_configured(sandbox):
    adapter = adapter_for(sandbox, release_orders=True)
    order = posting("WMT-1005", wline(1, "ITM00001", 1, "19.99"))
    fault("error", method="POST", path_contains="CustomerOrder_SetReleased")
    with pytest.raises(RecoverableError):
        adapter.post_order(order)
    Fault.objects.all().delete()
    found = adapter.find_document("WMT-1005")
    assert (found.complete, found.data["state"], found.data["lines"]) == (False, "Planned", 1)
    assert adapter.post_order(order, existing=found).data["state"] == "Released"
    assert adapter.find_document("WMT-1005").complete is True


def test_an_unknown_sales_part_is_refused_with_the_ifs_message(adapter):
    order = posting("WMT-1006", wline(1, "NOPE-1", 1, "1.00"))
    with pytest.raises(PermanentError, match="Sales Part NOPE-1 does not exist on site DAL1") as refused:
        adapter.post_order(order)
    assert refused.value.status == 400 and "holds 0 of 1 lines" in refused.value.message
    found = adapter.find_document("WMT-1006")
    assert found.complete is False  # the header stays; the next attempt goes through find_document


def test_an_unknown_customer_is_refused_with_the_ifs_message(adapter):
    with pytest.raises(PermanentError, match="Customer NOBODY does not exist") as refused:
        adapter.post_order(posting("WMT-1007", wline(1, "ITM00001", 1, "19.99"), customer="NOBODY"))
    assert refused.value.status == 400 and refused.value.vendor_code
    assert stats.documents() == {"customer_orders": 0}


def test_an_order_across_two_sites_is_refused_before_any_call(adapter):
    order = posting("WMT-1008", wline(1, "ITM00001", 1, "19.99"), wline(2, "ITM00002", 1, "5.05", site="RNO1"))
    before = len(business_calls())
    with pytest.raises(PermanentError, match=r"several sites \(DAL1, RNO1\)"):
        adapter.post_order(order)
    assert len(business_calls()) == before


def test_a_missing_coordinator_is_a_config_error(sandbox):
    adapter = adapter_for(sandbox, coordinator="")
    with pytest.raises(ConfigError, match="coordinator"):
        adapter.post_order(posting("WMT-1009", wline(1, "ITM00001", 1, "19.99")))


def test_preview_makes_no_call_and_shows_what_post_sends(sandbox):
    adapter = adapter_for(sandbox, release_orders=True)
    order = posting("WMT-1010", wline(1, "ITM00001", 2, "39.98", shipping="5.49"), wline(2, "ITM00002", 1, "5.05"))
    calls_before, documents_before = Call.objects.count(), stats.documents()
    preview = adapter.preview_order(order)
    assert Call.objects.count() == calls_before and stats.documents() == documents_before
    assert [(c["method"], c["path"].split("/")[-1]) for c in preview["calls"]] == [
        ("POST", "CustomerOrderSet"), ("POST", "OrderLinesArray"), ("POST", "OrderLinesArray"),
        ("POST", "CustomerOrderChargeArray"), ("POST", "IfsApp.CustomerOrderHandling.CustomerOrder_SetReleased")]
    header, first = preview["calls"][0]["body"], preview["calls"][1]["body"]
    assert (header["CustomerPoNo"], header["Contract"], header["CustomerNo"]) == ("WMT-1010", "DAL1", "WALMART-MP")
    assert (first["CatalogNo"], first["BuyQtyDue"], first["SaleUnitPrice"]) == ("ITM00001", 2, 19.99)
    assert preview["calls"][3]["body"]["ChargeAmount"] == 5.49

    document = adapter.post_order(order)  # what the preview showed is what IFS accepts
    sent = adapter.client.get_customer_order(document.number)
    assert sent.data["NoteText"] == header["NoteText"]


def test_stock_levels_are_the_emulators_available_quantities(adapter):
    rows = InventoryPartInStock.objects.filter(contract="DAL1", part_no=STOCKED)
    on_shelves = sum(r.qty_onhand - r.qty_reserved for r in rows)
    assert adapter.stock_levels([STOCKED, "ITM00001", "NOPE-1"], "DAL1") == [
        StockLevel(STOCKED, "DAL1", on_shelves),
        StockLevel("ITM00001", "DAL1", Decimal(catalog.items()[0].stock["DAL"])),
        StockLevel("NOPE-1", "DAL1", Decimal(0)),
    ]
    assert adapter.stock_levels([], "DAL1") == []


def test_release_with_a_moved_etag_reads_the_header_again(sandbox):
    adapter = adapter_for(sandbox, release_orders=True)
    order = posting("WMT-1011", wline(1, "ITM00001", 1, "19.99"))
    stale = adapter.client.create_customer_order(adapter.preview_order(order)["calls"][0]["body"])
    adapter.client.add_order_line(stale.order_no, {"CatalogNo": "ITM00001", "BuyQtyDue": Decimal(1),
                                                   "CustomerPoLineNo": "1"})
    adapter.client.patch_customer_order(stale.order_no, stale.etag, {"LabelNote": "touched"})  # the ETag moves
    released = adapter._release(stale)
    assert released.state == "Released" and released.etag != stale.etag
