"""Posting Walmart orders into M3 through the adapter, against the emulator over real HTTP: one bulk call
per order, read back (lines, prices, warehouses, charges, address, totals), errors, faults, preview, stock."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from connectors.contract import Address, ErpDocument, OrderPosting, PostingCharge, PostingLine
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError
from connectors.infor_m3.adapter import Adapter
from connectors.infor_m3.client import M3Client
from sandbox import catalog, clock
from sandbox.infor_m3 import stats
from sandbox.infor_m3.models import Customer, Order
from sandbox.infor_m3.seed import provision_connection
from sandbox.models import Call, Fault

SHIP_TO = Address(name="Jane Doe", address1="1 Main St", address2="Apt 4", city="Springfield", state="IL",
                  postal_code="62701", country="USA")


@pytest.fixture
def m3(sandbox):
    return provision_connection("m3", sandbox)


def line(number, item, quantity, product, shipping="0", tax="0", warehouse="DAL"):
    charges = [PostingCharge("PRODUCT", Decimal(product), tax=Decimal(tax))]
    if Decimal(shipping):
        charges.append(PostingCharge("SHIPPING", Decimal(shipping)))
    return PostingLine(line_number=str(number), sku=f"WM-{item}", erp_item=item, quantity=Decimal(quantity),
                       walmart_quantity=Decimal(quantity), warehouse=warehouse, charges=tuple(charges))


def posting(reference, *lines, customer=catalog.CUSTOMER_NO, **totals):
    return OrderPosting(reference=reference, purchase_order_id=reference, customer_order_id=f"C{reference}",
                        order_date=datetime(2026, 11, 29, 12, tzinfo=timezone.utc), currency="USD",
                        customer=customer, ship_to=SHIP_TO, lines=tuple(lines), **totals)


def api_calls(method=None):
    calls = Call.objects.filter(system="infor_m3", path__contains="/m3api-rest/")
    return calls.filter(method=method) if method else calls


def read_back(conn, orno):
    client = M3Client(conn)
    head = client.call("OIS100MI", "GetHead", {"ORNO": orno}).record
    lines = [(x["ITNO"], Decimal(x["ORQT"]), Decimal(x["SAPR"]), x["WHLO"], x["CUOR"])
             for x in client.execute("OIS100MI", "LstLine", {"ORNO": orno})]
    charges = {c["CRID"]: Decimal(c["CRAM"]) for c in client.execute("OIS100MI", "LstOrderCharge", {"ORNO": orno})}
    address = client.call("OIS100MI", "GetAddress", {"ORNO": orno, "ADRT": "1"}).record
    return head, lines, charges, address


def test_a_single_line_order_with_shipping_and_tax_is_one_call_and_reads_back(m3):
    order = posting("1580000000001", line(1, "ITM00001", "2", "39.98", shipping="5.99", tax="3.30"),
                    product_total=Decimal("39.98"), shipping_total=Decimal("5.99"), tax_total=Decimal("3.30"),
                    order_total=Decimal("49.27"))
    before = api_calls().count()
    document = Adapter(m3).post_order(order)
    assert api_calls().count() - before == 1 and api_calls("POST").count() == 1
    assert document.kind == "customer_order" and document.complete and document.reference == "1580000000001"
    head, lines, charges, address = read_back(m3, document.number)
    assert head["CUOR"] == "1580000000001" and head["CUNO"] == catalog.CUSTOMER_NO and head["STAT"] == "20"
    assert head["ORTP"] == "W01" and head["FACI"] == "A01" and head["YREF"] == "C1580000000001"
    assert lines == [("ITM00001", Decimal("2"), Decimal("19.99"), "DAL", "1580000000001")]
    assert charges == {"FRT": Decimal("5.99"), "MPTAX": Decimal("3.30")}
    assert Decimal(head["ONET"]) == Decimal("39.98") and Decimal(head["TOPY"]) == Decimal("49.27")
    assert (address["CUNM"], address["CUA1"], address["TOWN"], address["PONO"], address["CSCD"]) == (
        "Jane Doe", "1 Main St", "Springfield", "62701", "US")
    found = Adapter(m3).find_document("1580000000001")
    assert found.number == document.number and found.complete and found.data["duplicates"] == []


def test_a_multi_line_order_over_two_warehouses(m3):
    order = posting("1580000000002",
                    line(1, "ITM00001", "1", "19.99", shipping="4.00", tax="1.65"),
                    line(2, "ITM00002", "3", "30.00", shipping="2.50", tax="2.48", warehouse="RNO"),
                    line(3, "ITM00003", "1", "7.10", tax="0.59"),
                    product_total=Decimal("57.09"), shipping_total=Decimal("6.50"), tax_total=Decimal("4.72"),
                    order_total=Decimal("68.31"))
    document = Adapter(m3).post_order(order)
    assert api_calls().count() == 1
    head, lines, charges, _ = read_back(m3, document.number)
    assert lines == [("ITM00001", Decimal("1"), Decimal("19.99"), "DAL", "1580000000002"),
                     ("ITM00002", Decimal("3"), Decimal("10"), "RNO", "1580000000002"),
                     ("ITM00003", Decimal("1"), Decimal("7.1"), "DAL", "1580000000002")]
    assert document.data["lines"] == ["1", "2", "3"]
    assert charges == {"FRT": Decimal("6.50"), "MPTAX": Decimal("4.72")}
    assert Decimal(head["ONET"]) == Decimal("57.09") and Decimal(head["TOPY"]) == Decimal("68.31")
    assert stats.documents()["customer_orders"] == 1


def test_a_dropped_answer_is_ambiguous_and_found_exactly_once(m3):
    order = posting("1580000000003", line(1, "ITM00001", "1", "19.99", shipping="3.00"))
    Fault.objects.create(system="infor_m3", mode="drop_after_commit", method="POST", path_contains="/execute",
                         starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        Adapter(m3).post_order(order)
    Fault.objects.all().delete()
    adapter = Adapter(m3)
    document = adapter.find_document("1580000000003")
    assert document is not None and document.complete and document.data["duplicates"] == []
    # The posting machine hands what it found back: nothing is sent again.
    before = api_calls().count()
    assert adapter.post_order(order, existing=document) is document and api_calls().count() == before
    assert stats.documents()["customer_orders"] == 1 and stats.duplicate_references() == 0


def test_an_unknown_item_is_refused_with_m3s_message(m3):
    order = posting("1580000000004", line(1, "ITM00001", "1", "19.99"), line(2, "ITM99999", "1", "5.00"))
    with pytest.raises(PermanentError, match=r"Item number ITM99999 does not exist \(ITNO\)") as caught:
        Adapter(m3).post_order(order)
    assert caught.value.field == "ITNO" and api_calls().count() == 1
    assert stats.documents()["customer_orders"] == 0
    # The refused batch order is what find_document reports: incomplete, and replaced on the next post.
    document = Adapter(m3).find_document("1580000000004")
    assert document is not None and not document.complete
    fixed = posting("1580000000004", line(1, "ITM00001", "1", "19.99"), line(2, "ITM00002", "1", "5.00"))
    posted = Adapter(m3).post_order(fixed, existing=document)
    assert posted.complete and Order.objects.filter(cuor="1580000000004").count() == 1
    assert Adapter(m3).find_document("1580000000004").number == posted.number


def test_a_batch_order_gone_meanwhile_is_reconciled_again_not_reposted(m3):
    gone = ErpDocument(reference="1580000000011", number="9000000099", kind="customer_order", complete=False,
                       data={"batch_number": "9000000099"})
    with pytest.raises(AmbiguousOutcome, match="look the reference up again"):
        Adapter(m3).post_order(posting("1580000000011", line(1, "ITM00001", "1", "19.99")), existing=gone)
    assert api_calls().count() == 1 and Order.objects.count() == 0


def test_head_first_when_single_call_orders_is_off(sandbox):
    conn = provision_connection("m3", sandbox, single_call_orders=False)
    document = Adapter(conn).post_order(posting("1580000000012", line(1, "ITM00001", "2", "39.98", shipping="1.00")))
    assert api_calls("POST").count() == 2
    _, lines, charges, _ = read_back(conn, document.number)
    assert lines == [("ITM00001", Decimal("2"), Decimal("19.99"), "DAL", "1580000000012")]
    assert charges == {"FRT": Decimal("1.00")}


def test_data_problems_are_refused_before_any_call(m3):
    adapter = Adapter(m3)
    with pytest.raises(PermanentError, match="not a price with 4 decimals"):
        adapter.post_order(posting("1580000000005", line(1, "ITM00001", "300", "100.00")))
    with pytest.raises(PermanentError, match="differs from Walmart"):
        adapter.post_order(posting("1580000000005", line(1, "ITM00001", "1", "10.00"), order_total=Decimal("11")))
    assert api_calls().count() == 0


def test_shipping_without_a_charge_id_is_a_setup_error_and_blank_tax_charge_leaves_tax_to_m3(sandbox):
    conn = provision_connection("m3", sandbox, shipping_charge="", tax_charge="")
    with pytest.raises(ConfigError, match="no shipping_charge"):
        Adapter(conn).post_order(posting("1580000000013", line(1, "ITM00001", "1", "19.99", shipping="2.00")))
    assert api_calls().count() == 0
    document = Adapter(conn).post_order(posting("1580000000013", line(1, "ITM00001", "1", "19.99", tax="1.65"),
                                                order_total=Decimal("21.64")))
    assert read_back(conn, document.number)[2] == {}


def test_preview_sends_nothing_and_shows_the_bulk_body(m3):
    order = posting("1580000000006", line(1, "ITM00001", "2", "39.98", shipping="5.99", tax="3.30"))
    preview = Adapter(m3).preview_order(order)
    assert api_calls().count() == 0 and Order.objects.count() == 0
    [call] = preview["calls"]
    assert call["method"] == "POST" and call["path"].endswith("m3api-rest/v2/execute")
    body = call["body"]
    assert body["program"] == "OIS100MI" and body["cono"] == 100
    assert [t["transaction"] for t in body["transactions"]] == [
        "AddBatchHead", "AddBatchAddress", "AddBatchLine", "AddBatchHeadChg", "AddBatchHeadChg", "Confirm"]
    assert body["transactions"][0]["record"]["CUOR"] == "1580000000006"
    assert body["transactions"][2]["record"] == {"ITNO": "ITM00001", "ORQT": "2", "WHLO": "DAL", "SAPR": "19.9900",
                                                 "CUOR": "1580000000006", "CUPO": "1"}


def test_customers_are_created_once_when_configured(sandbox):
    conn = provision_connection("m3", sandbox, create_customers=True)
    adapter = Adapter(conn)
    first = adapter.post_order(posting("1580000000007", line(1, "ITM00001", "1", "19.99"), customer="WM-NEW-01"))
    assert Customer.objects.filter(cuno="WM-NEW-01", cunm="Jane Doe", cua1="1 Main St").count() == 1
    assert api_calls("GET").count() == 1 and api_calls("POST").count() == 2  # check, Add, the order
    Adapter(conn).post_order(posting("1580000000008", line(1, "ITM00001", "1", "19.99"), customer="WM-NEW-01"))
    assert api_calls().count() == 4  # known now: only the order
    assert first.data["customer"] == "WM-NEW-01"


def test_an_unknown_customer_is_refused_when_not_created(m3):
    with pytest.raises(PermanentError, match=r"Customer number NOPE does not exist \(CUNO\)"):
        Adapter(m3).post_order(posting("1580000000009", line(1, "ITM00001", "1", "19.99"), customer="NOPE"))
    assert api_calls().count() == 1


def test_stock_levels_are_the_emulators_in_one_call(m3):
    items = ["ITM00001", "ITM00002", "ITM00003"]
    levels = Adapter(m3).stock_levels(items, "RNO")
    assert api_calls().count() == 1
    by_item = {i.item_code: i for i in catalog.items()}
    assert [(s.item, s.warehouse, s.available) for s in levels] == [
        (code, "RNO", Decimal(by_item[code].stock["RNO"])) for code in items]
    # No balance record for an item: none available (that order is held), not a failure of every order.
    assert [s.available for s in Adapter(m3).stock_levels(["ITM99999", "ITM00001"], "RNO")] == [
        Decimal(0), Decimal(by_item["ITM00001"].stock["RNO"])]
    with pytest.raises(PermanentError, match="Warehouse XXX does not exist"):
        Adapter(m3).stock_levels(["ITM00001"], "XXX")


def test_stock_levels_move_with_posted_orders(m3):
    item = next(i for i in catalog.items() if i.stock["DAL"] >= 3)
    adapter = Adapter(m3)
    price = item.price
    adapter.post_order(posting("1580000000010", line(1, item.item_code, "2", str(price * 2))))
    [level] = adapter.stock_levels([item.item_code], "DAL")
    assert level.available == Decimal(item.stock["DAL"]) - 2


def test_the_adapter_lists_its_flows():
    assert Adapter.capabilities == frozenset({"orders_in", "inventory_out", "prices_out", "shipments_out", "items_out"})
