"""The Exact Online client and adapter over real HTTP against the emulator: OData reads, documents,
rate limits, faults, reconciliation after a lost answer, webhooks."""

import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from connectors import http, ratelimit
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError
from connectors.exact_online.adapter import Adapter
from connectors.exact_online.client import ExactClient, verify_webhook
from connectors.models import RateLimitBucket
from sandbox import catalog, clock
from sandbox.exact_online import stats, webhooks
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call, Fault

SAMPLES = Path("/work/shared/erp-samples/exact")


def api_calls(fragment):
    return Call.objects.filter(system="exact_online", path__contains=fragment).count()


@pytest.fixture
def exact(sandbox):
    return provision_connection("exact-client", sandbox)


def customer_and_item(client, code="ITM00001"):
    customer = client.accounts([catalog.CUSTOMER_NO])[0]
    item = client.items([code])[0]
    return customer, item


def invoice_payload(client, reference, *, type_=8020, quantity=2, gl="8000"):
    customer, item = customer_and_item(client)
    gl_id = client.gl_accounts([gl])[0]["ID"] if gl else "00000000-0000-0000-0000-000000000000"
    return {"Type": type_, "Journal": "70", "OrderedBy": customer["ID"], "YourRef": reference,
            "Description": f"Walmart order {reference}",
            "SalesInvoiceLines": [{"Item": item["ID"], "Quantity": Decimal(quantity), "UnitPrice": Decimal("19.99"),
                                   "GLAccount": gl_id, "CostCenter": "ECOM"}]}


def test_reads_follow_every_page(exact):
    client = ExactClient(exact)
    rows = client.get_all("logistics/Items", select=("ID", "Code"), filter="Code le 'ITM00130'")
    assert sorted(r["Code"] for r in rows) == [f"ITM{n:05d}" for n in range(1, 131)]  # Exact orders by ID
    assert api_calls("logistics/Items") == 3  # 60 + 60 + 10
    assert Call.objects.filter(path__contains="skiptoken").count() == 2


def test_select_is_required_and_exacts_message_is_kept(exact):
    with pytest.raises(PermanentError, match=r"Please add a \$select or a \$top=1 statement to the query string"):
        http.send(exact, "GET", f"v1/{exact.typed_config.division}/logistics/Items")


def test_reference_data_and_padded_account_codes(exact):
    client = ExactClient(exact)
    customer = client.accounts([catalog.CUSTOMER_NO])
    assert len(customer) == 1 and customer[0]["Code"] == catalog.CUSTOMER_NO  # Exact pads to 18 characters
    assert {g["Code"] for g in client.gl_accounts(["8000", "1300", "9999"])} == {"8000", "1300"}
    assert [c["Code"] for c in client.cost_centers(["ECOM"])] == ["ECOM"]
    item = catalog.items()[0]
    stock = client.item_warehouses([item.item_code], warehouse="DAL")
    assert len(stock) == 1 and stock[0]["CurrentStock"] == item.stock["DAL"]
    assert isinstance(client.items([item.item_code])[0]["StandardSalesPrice"], Decimal)
    positions = client.stock_positions()
    assert len(positions) == len(catalog.items()) * 4  # more than one page of the sync API (1000)
    stamps = [p["Timestamp"] for p in positions]
    assert stamps == sorted(stamps) and client.stock_positions(since_timestamp=stamps[-2]) == positions[-1:]


def test_sales_order_with_lines_and_your_ref(exact):
    client = ExactClient(exact)
    customer, item = customer_and_item(client)
    created = client.create_sales_order({
        "OrderedBy": customer["ID"], "YourRef": "1796277484081-SO", "Description": "Walmart order 1796277484081",
        "SalesOrderLines": [{"Item": item["ID"], "Quantity": Decimal(3), "UnitPrice": Decimal("12.34")}]})
    read = client.document("sales_order", created["OrderID"])
    assert read["YourRef"] == "1796277484081-SO" and read["AmountFC"] == Decimal("37.02")
    assert read["SalesOrderLines"]["results"][0]["ItemCode"] == "ITM00001"
    assert read["OrderDate"].tzinfo is not None  # /Date(ms)/ parsed
    found = Adapter(exact).find_document("1796277484081-SO")
    assert found.kind == "sales_order" and found.number == str(created["OrderNumber"])
    planned = client.item_warehouses(["ITM00001"], warehouse="DAL")[0]
    assert planned["PlannedStockOut"] == 3


def test_sales_invoice_and_credit_note(exact):
    client = ExactClient(exact)
    invoice = client.create_sales_invoice(invoice_payload(client, "1796277484082-INV"))
    assert invoice["Type"] == 8020 and invoice["Journal"] == "70" and invoice["AmountFC"] == Decimal("39.98")
    credit = client.create_sales_invoice(invoice_payload(client, "1796277484082-CN", type_=8021, quantity=-2))
    assert credit["AmountFC"] == Decimal("-39.98")
    assert Adapter(exact).find_document("1796277484082-CN").kind == "credit_note"
    assert Adapter(exact).find_document("no-such-reference") is None
    assert stats.documents() == {"sales_orders": 0, "sales_invoices": 1, "credit_notes": 1, "stock_counts": 0}


@pytest.mark.parametrize("change, message", [
    ({"Journal": ""}, "Journal: Mandatory"),
    ({"Type": 8021}, "Credit note: amounts must be negative"),
    ({"gl": None}, "G/L account: Invalid reference"),
])
def test_invoices_exact_refuses(exact, change, message):
    client = ExactClient(exact)
    payload = invoice_payload(client, "REF-BAD", gl=change.pop("gl", "8000"))
    payload.update(change)
    with pytest.raises(PermanentError, match=message) as raised:
        client.create_sales_invoice(payload)
    assert raised.value.status == 400


def test_minutely_429_blocks_the_shared_limiter_until_the_reset(exact):
    client = ExactClient(exact)
    client.me()
    Fault.objects.create(system="exact_online", mode="throttle", seconds=45, starts_at=clock.now())
    with pytest.raises(RecoverableError):
        client.me()
    bucket = RateLimitBucket.objects.get(connection=exact, key="default")
    assert bucket.throttled == 1 and 40 < (bucket.blocked_until - clock.now()).total_seconds() <= 46
    served = api_calls("current/Me")
    with pytest.raises(RecoverableError) as raised:
        client.me()
    assert raised.value.retry_after > 30 and api_calls("current/Me") == served  # waited for nobody: not sent


def test_rate_limit_headers_feed_the_shared_limiter(sandbox):
    conn = provision_connection("exact-limits", sandbox, minutely_limit=3)  # connecting read current/Me once
    client = ExactClient(conn)
    for _ in range(2):
        client.me()
    bucket = RateLimitBucket.objects.get(connection=conn, key="default")
    assert bucket.tokens == 0 and bucket.capacity == 3 and bucket.blocked_until is not None
    daily = RateLimitBucket.objects.get(connection=conn, key="daily")
    assert daily.capacity == 5000 and daily.tokens == 5000 - 3
    with pytest.raises(RecoverableError, match="Rate limit"):
        ratelimit.acquire(conn, "default", max_wait=0)


def test_latency_is_waited_out(exact):
    Fault.objects.create(system="exact_online", mode="latency", seconds=0.4, starts_at=clock.now())
    started = time.monotonic()
    assert ExactClient(exact).me().current_division == exact.typed_config.division
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize("mode", ["error", "outage"])
def test_server_errors_are_recoverable(exact, mode):
    client = ExactClient(exact)
    client.me()
    Fault.objects.create(system="exact_online", mode=mode, starts_at=clock.now())
    with pytest.raises(RecoverableError):
        client.me()


def test_timeouts(sandbox):
    conn = provision_connection("exact-timeout", sandbox, read_timeout=1)
    client = ExactClient(conn)
    client.me()
    Fault.objects.create(system="exact_online", mode="timeout", seconds=2, starts_at=clock.now())
    with pytest.raises(RecoverableError, match="no answer"):  # a read: safe to retry
        client.me()
    # The emulator still serves the request after we gave up. Let it finish before the next call: two
    # threads writing at once is more than the in-memory SQLite test database can take.
    time.sleep(1.5)
    with pytest.raises(AmbiguousOutcome):  # a write: it may have happened
        client.create_webhook_subscription("https://connector.example.com/hooks/exact/", "SalesOrders")
    time.sleep(1.5)
    assert Call.objects.filter(system="exact_online", fault="timeout").count() == 2
    Fault.objects.all().delete()
    # ...and the write we got no answer to did happen: exactly why it is an AmbiguousOutcome, not a failure.
    assert [s["Topic"] for s in client.webhook_subscriptions()] == ["SalesOrders"]


def test_lost_answer_after_commit_is_reconciled_by_reference(exact):
    client = ExactClient(exact)
    payload = invoice_payload(client, "1796277484083-INV")
    Fault.objects.create(system="exact_online", mode="drop_after_commit", method="POST",
                         path_contains="SalesInvoices", starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        client.create_sales_invoice(payload)
    Fault.objects.all().delete()
    found = Adapter(exact).find_document("1796277484083-INV")
    assert found is not None and found.kind == "sales_invoice"
    assert len(client.find_by_your_ref("sales_invoice", "1796277484083-INV")) == 1
    assert stats.duplicate_references() == 0


def test_duplicates_are_reported_not_hidden(exact):
    client = ExactClient(exact)
    for _ in range(2):
        client.create_sales_invoice(invoice_payload(client, "1796277484084-INV"))
    assert stats.duplicate_references() == 1
    with pytest.raises(PermanentError, match="2 sales invoices carry YourRef"):
        Adapter(exact).find_document("1796277484084-INV")


def test_ping(exact):
    result = Adapter(exact).ping()
    assert result.ok and "Demo Accountant" in result.summary and str(exact.typed_config.division) in result.summary


# --- webhooks ------------------------------------------------------------------------------------

def test_webhook_hashcode_known_answer():
    raw = (SAMPLES / "webhook_payload_example.json").read_bytes()
    content = verify_webhook(raw, "example-webhook-secret")
    assert content["Topic"] == "SalesOrders" and content["Division"] == 123456
    assert verify_webhook(raw, "client-secret-is-not-the-webhook-secret") is None
    assert verify_webhook(raw.replace(b'"Update"', b'"Delete"'), "example-webhook-secret") is None
    # Re-serialising the body (other whitespace) must not be what we check: the raw Content text is signed.
    assert webhooks.body_for(json.loads(raw)["Content"], "example-webhook-secret").encode() == raw.strip()


class _Receiver(BaseHTTPRequestHandler):
    bodies = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_subscriptions_and_signed_deliveries(exact):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hooks/exact/"
        client = ExactClient(exact)
        created = client.create_webhook_subscription(url, "SalesOrders")
        assert [s["ID"] for s in client.webhook_subscriptions()] == [created["ID"]]
        with pytest.raises(PermanentError, match="already exists"):
            client.create_webhook_subscription(url, "SalesOrders")
        customer, item = customer_and_item(client)
        order = client.create_sales_order({"OrderedBy": customer["ID"], "YourRef": "WH-1",
                                           "SalesOrderLines": [{"Item": item["ID"], "Quantity": 1}]})
        assert webhooks.deliver_due() == 1
        content = verify_webhook(_Receiver.bodies[-1], exact.secret("webhook_secret"))
        assert content["Key"] == order["OrderID"] and content["Action"] == "Create"
        assert verify_webhook(_Receiver.bodies[-1], exact.secret("client_secret")) is None
        assert webhooks.deliver_due() == 0  # delivered once
    finally:
        server.shutdown()
