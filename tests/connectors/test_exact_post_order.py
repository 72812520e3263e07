"""Walmart orders into Exact Online over real HTTP against the emulator: documents read back, one create
call per document, lost answers reconciled by YourRef, G/L problems refused, previews, stock levels."""

from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest

from connectors.contract import Address, GlAccount, OrderPosting, PostingCharge, PostingLine
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError
from connectors.exact_online.adapter import Adapter
from connectors.exact_online.client import ExactClient
from connectors.models import RateLimitBucket
from sandbox import catalog, clock
from sandbox.exact_online import data, stats
from sandbox.exact_online.models import Document
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call, Fault

GL = {"PRODUCT": GlAccount("PRODUCT", "8000", "ECOM"), "SHIPPING": GlAccount("SHIPPING", "8100", "ECOM"),
      "TAX": GlAccount("TAX", "2200", "MKTPL")}
TOYS = {**GL, "PRODUCT": GlAccount("PRODUCT", "8010", "MKTPL")}


def calls(fragment, method=None):
    rows = Call.objects.filter(system="exact_online", path__contains=fragment)
    return rows.filter(method=method).count() if method else rows.count()


def creates(entity):
    return calls(entity, "POST")


def line(n, item_code, quantity, amount, *, shipping="0", tax="0", gl=GL, warehouse="DAL"):
    charges = [PostingCharge("PRODUCT", Decimal(amount), Decimal(tax))]
    if Decimal(shipping):
        charges.append(PostingCharge("SHIPPING", Decimal(shipping)))
    return PostingLine(line_number=str(n), sku=f"SKU-{item_code}", erp_item=item_code, quantity=Decimal(quantity),
                       walmart_quantity=Decimal(quantity), description=f"Item {item_code}", warehouse=warehouse,
                       charges=tuple(charges), gl=gl)


def posting(po, *lines, adjust="0"):
    product = sum((ln.amount("PRODUCT") for ln in lines), Decimal(0))
    shipping = sum((ln.amount("SHIPPING") for ln in lines), Decimal(0))
    tax = sum((ln.tax for ln in lines), Decimal(0))
    return OrderPosting(
        reference=po, purchase_order_id=po, customer_order_id=f"C{po}",
        order_date=datetime(2026, 11, 20, 15, 30, tzinfo=dt_timezone.utc), currency="USD",
        customer=catalog.CUSTOMER_NO, ship_to=Address("Jane Doe", "1 Main St", "", "Dallas", "TX", "75001", "USA"),
        lines=tuple(lines), ship_method="STANDARD", product_total=product, shipping_total=shipping, tax_total=tax,
        order_total=product + shipping + tax + Decimal(adjust))


def one_line(po="1796277485001"):
    return posting(po, line(1, "ITM00001", 2, "39.98", shipping="5.99", tax="3.30"))


@pytest.fixture
def exact(sandbox):
    return provision_connection("exact-orders", sandbox)


def read_back(conn, document, kind):
    return ExactClient(conn).document(kind, document.data[kind]["id"])


def test_single_line_order_posts_a_sales_order_and_an_invoice(exact):
    order = one_line()
    document = Adapter(exact).post_order(order)
    assert document.complete and document.kind == "sales_invoice" and document.reference == order.reference
    assert creates("SalesOrders") == 1 and creates("SalesInvoices") == 1
    # Reads: the customer, the items (product + shipping + tax items in one), G/L accounts, the warehouse.
    assert [calls(p, "GET") for p in ("crm/Accounts", "logistics/Items", "financial/GLAccounts",
                                      "inventory/Warehouses")] == [1, 1, 1, 1]

    so = read_back(exact, document, "sales_order")
    assert so["YourRef"] == "1796277485001-SO" and so["WarehouseCode"] == "DAL"
    assert so["AmountFC"] == order.order_total == Decimal("49.27")
    assert so["OrderedBy"] == data.accounts()[0]["ID"]
    assert [(r["ItemCode"], r["Quantity"], r["UnitPrice"], r["CostCenter"]) for r in so["SalesOrderLines"]["results"]] == [
        ("ITM00001", 2, Decimal("19.99"), "ECOM"), ("SHIPPING", 1, Decimal("5.99"), "ECOM"),
        ("SALESTAX", 1, Decimal("3.3"), "MKTPL")]

    invoice = read_back(exact, document, "sales_invoice")
    assert invoice["YourRef"] == "1796277485001-INV" and invoice["Type"] == 8020 and invoice["Journal"] == "70"
    assert invoice["AmountFC"] == order.order_total
    gl = {g["ID"]: g["Code"] for g in data.gl_accounts()}
    assert [(r["ItemCode"], r["Quantity"], r["AmountFC"], gl[r["GLAccount"]], r["CostCenter"])
            for r in invoice["SalesInvoiceLines"]["results"]] == [
        ("ITM00001", 2, Decimal("39.98"), "8000", "ECOM"), ("SHIPPING", 1, Decimal("5.99"), "8100", "ECOM"),
        ("SALESTAX", 1, Decimal("3.3"), "2200", "MKTPL")]
    assert stats.duplicate_references() == 0
    # Every answer fed Exact's X-RateLimit-* (minutely and daily) into the shared limiter.
    daily = RateLimitBucket.objects.get(connection=exact, key="daily")
    served = Call.objects.filter(system="exact_online", path__contains="/api/v1/").count()  # not the token call
    assert daily.capacity == 5000 and daily.tokens == 5000 - served


def test_multi_line_order_groups_charges_and_reuses_resolved_codes(exact):
    adapter = Adapter(exact)
    order = posting("1796277485002",
                    line(1, "ITM00001", 3, "10.00", shipping="2.50", tax="0.83"),
                    line(2, "ITM00002", 1, "24.50", shipping="2.50", tax="2.02", gl=TOYS))
    document = adapter.post_order(order)
    invoice = read_back(exact, document, "sales_invoice")
    gl = {g["ID"]: g["Code"] for g in data.gl_accounts()}
    rows = [(r["ItemCode"], r["Quantity"], r["AmountFC"], gl[r["GLAccount"]], r["CostCenter"])
            for r in invoice["SalesInvoiceLines"]["results"]]
    assert rows == [("ITM00001", 3, Decimal("10.00"), "8000", "ECOM"), ("ITM00002", 1, Decimal("24.50"), "8010", "MKTPL"),
                    ("SHIPPING", 1, Decimal("5.00"), "8100", "ECOM"), ("SALESTAX", 1, Decimal("2.85"), "2200", "MKTPL")]
    assert invoice["AmountFC"] == order.order_total == Decimal("42.35")
    so = read_back(exact, document, "sales_order")
    assert so["AmountFC"] == order.order_total and len(so["SalesOrderLines"]["results"]) == 4
    assert so["SalesOrderLines"]["results"][0]["UnitPrice"] == Decimal("3.333333")  # 3 × 3.333333 = 10.00

    # A second order on the same adapter: customer, G/L accounts and warehouse come from its cache.
    adapter.post_order(posting("1796277485003", line(1, "ITM00003", 1, "15.00")))
    assert [calls(p, "GET") for p in ("crm/Accounts", "financial/GLAccounts", "inventory/Warehouses")] == [1, 1, 1]
    assert calls("logistics/Items", "GET") == 2  # ITM00003 was new
    assert creates("SalesOrders") == 2 and creates("SalesInvoices") == 2


@pytest.mark.parametrize("mode, orders, invoices", [("sales_order", 1, 0), ("sales_invoice", 0, 1)])
def test_one_document_modes(sandbox, mode, orders, invoices):
    conn = provision_connection(f"exact-{mode}", sandbox, documents=mode)
    document = Adapter(conn).post_order(one_line())
    assert document.complete and document.kind == mode and list(document.data) == [mode]
    assert stats.documents()["sales_orders"] == orders and stats.documents()["sales_invoices"] == invoices
    # A sales order has no G/L account per line in Exact (the item's revenue account applies when invoiced).
    assert calls("financial/GLAccounts") == invoices and calls("inventory/Warehouses") == orders
    assert Adapter(conn).find_document("1796277485001").number == document.number


def test_lost_invoice_answer_is_found_once(exact):
    Fault.objects.create(system="exact_online", mode="drop_after_commit", method="POST",
                         path_contains="SalesInvoices", starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        Adapter(exact).post_order(one_line())
    Fault.objects.all().delete()
    found = Adapter(exact).find_document("1796277485001")
    assert found.complete and found.kind == "sales_invoice" and set(found.data) == {"sales_order", "sales_invoice"}
    assert stats.documents()["sales_invoices"] == 1 and stats.documents()["sales_orders"] == 1
    assert stats.duplicate_references() == 0


def test_lost_sales_order_answer_then_only_the_invoice_is_created(exact):
    Fault.objects.create(system="exact_online", mode="drop_after_commit", method="POST",
                         path_contains="SalesOrders", starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        Adapter(exact).post_order(one_line())
    Fault.objects.all().delete()
    half = Adapter(exact).find_document("1796277485001")
    assert not half.complete and half.kind == "sales_order" and list(half.data) == ["sales_order"]
    done = Adapter(exact).post_order(one_line(), existing=half)
    assert done.complete and done.data["sales_order"]["id"] == half.data["sales_order"]["id"]
    assert creates("SalesOrders") == 1 and creates("SalesInvoices") == 1
    assert Adapter(exact).find_document("1796277485001").complete
    # The per-document reference still answers alone.
    assert Adapter(exact).find_document("1796277485001-SO").kind == "sales_order"
    assert stats.duplicate_references() == 0


@pytest.mark.parametrize("gl, message", [
    ({**GL, "PRODUCT": GlAccount("PRODUCT", "9999", "ECOM")}, "Exact Online has no G/L account with code 9999"),
    ({"PRODUCT": GL["PRODUCT"], "SHIPPING": GL["SHIPPING"]}, r"no G/L account for tax \(TAX\)"),
])
def test_missing_or_unknown_gl_account_is_refused(exact, gl, message):
    order = posting("1796277485004", line(1, "ITM00001", 1, "19.99", tax="1.65", gl=gl))
    with pytest.raises(PermanentError, match=message):
        Adapter(exact).post_order(order)
    assert creates("SalesOrders") == 0 and creates("SalesInvoices") == 0


def test_exacts_own_refusal_is_kept(exact):
    order = posting("1796277485005", line(1, "ITM00001", 1, "19.99", gl={**GL, "PRODUCT": GlAccount("PRODUCT", "8000",
                                                                                                      "NOPE")}))
    with pytest.raises(PermanentError, match="Cost center: Invalid reference 'NOPE'") as raised:
        Adapter(exact).post_order(order)
    assert raised.value.status == 400 and Document.objects.count() == 0


def test_totals_must_equal_walmarts(exact):
    with pytest.raises(PermanentError, match=r"add up to 49.27, Walmart's order total is 49.28"):
        Adapter(exact).post_order(posting("1796277485006", line(1, "ITM00001", 2, "39.98", shipping="5.99",
                                                                 tax="3.30"), adjust="0.01"))
    assert creates("Sales") == 0


def test_unconfigured_shipping_item_is_a_setup_problem(sandbox):
    conn = provision_connection("exact-noship", sandbox, shipping_item="")
    with pytest.raises(ConfigError, match="no shipping_item set"):
        Adapter(conn).post_order(one_line())


def test_preview_writes_nothing_and_matches_the_post(exact):
    adapter = Adapter(exact)
    preview = adapter.preview_order(one_line())
    assert [(c["method"], c["path"].split("/", 2)[2]) for c in preview["calls"]] == [
        ("POST", "salesorder/SalesOrders"), ("POST", "salesinvoice/SalesInvoices")]
    assert Call.objects.filter(system="exact_online", path__contains="/api/v1/").exclude(method="GET").count() == 0
    assert Document.objects.count() == 0
    invoice = preview["calls"][1]["body"]
    assert invoice["YourRef"] == "1796277485001-INV" and invoice["Type"] == 8020
    assert [ln["UnitPrice"] for ln in invoice["SalesInvoiceLines"]] == [19.99, 5.99, 3.3]
    document = adapter.post_order(one_line())
    assert read_back(exact, document, "sales_order")["SalesOrderLines"]["results"][0]["Item"] == \
        preview["calls"][0]["body"]["SalesOrderLines"][0]["Item"]


def test_stock_levels_are_the_emulators_free_stock(exact):
    adapter = Adapter(exact)
    items = [i for i in catalog.items() if i.stock["DAL"] >= 2][:3]
    levels = adapter.stock_levels([i.item_code for i in items], "DAL")
    assert [(s.item, s.warehouse, s.available) for s in levels] == [
        (i.item_code, "DAL", Decimal(i.stock["DAL"])) for i in items]
    order = posting("1796277485007", line(1, items[0].item_code, 2, "20.00"))
    adapter.post_order(order)  # an open sales order plans 2 out of DAL
    assert adapter.stock_levels([items[0].item_code, "NO-SUCH-ITEM"], "")[0].available == items[0].stock["DAL"] - 2
    assert adapter.stock_levels(["NO-SUCH-ITEM"], "DAL")[0].available == 0
