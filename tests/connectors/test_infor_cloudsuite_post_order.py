"""Posting Walmart orders to the FSM emulator's GL over real HTTP: rows read back per charge type and
dimension, balance to the cent, lost answers recovered exactly once, period errors, preview, call count."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from connectors.contract import Address, GlAccount, OrderPosting, PostingCharge, PostingLine, reference_for
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError
from connectors.infor_cloudsuite.adapter import Adapter
from connectors.infor_cloudsuite.client import FsmClient
from connectors.infor_cloudsuite.journal import RUN_GROUP_MAX, run_group_for
from sandbox import clock
from sandbox.infor_cloudsuite import stats
from sandbox.infor_cloudsuite.seed import provision_connection
from sandbox.models import Call, Fault

D = Decimal
GL = {
    "PRODUCT": GlAccount("PRODUCT", accounting_entity="1000", accounting_unit="ECOM", account_code="8000"),
    "SHIPPING": GlAccount("SHIPPING", accounting_entity="1000", accounting_unit="ECOM", account_code="8100"),
    "TAX": GlAccount("TAX", accounting_entity="1000", accounting_unit="MKTPL", account_code="2200"),
}
TOYS = {**GL, "PRODUCT": GlAccount("PRODUCT", accounting_entity="1000", accounting_unit="", account_code="8010")}


@pytest.fixture
def fsm(sandbox):
    return provision_connection("fsm", sandbox, default_accounting_unit="WFS")


def line(number, product, shipping=D("0"), product_tax=D("0"), shipping_tax=D("0"), gl=GL, sku="SKU-1"):
    charges = [PostingCharge("PRODUCT", product, product_tax)]
    if shipping or shipping_tax:
        charges.append(PostingCharge("SHIPPING", shipping, shipping_tax))
    return PostingLine(line_number=str(number), sku=sku, erp_item=sku, quantity=D("1"), walmart_quantity=D("1"),
                       charges=tuple(charges), gl=gl)


def order(po="1234567890123", lines=None, total=None, when=None):
    lines = lines or (line(1, D("49.99"), D("5.00"), D("4.12"), D("0.41")),)
    charges = [c for ln in lines for c in ln.charges]
    product = sum((c.amount for c in charges if c.charge_type == "PRODUCT"), D("0"))
    shipping = sum((c.amount for c in charges if c.charge_type == "SHIPPING"), D("0"))
    tax = sum((c.tax for c in charges), D("0"))
    return OrderPosting(
        reference=reference_for(po), purchase_order_id=po, customer_order_id="C" + po,
        order_date=when or clock.now().replace(hour=15, tzinfo=timezone.utc), currency="USD", customer="WALMART-MP",
        ship_to=Address(name="Pat", city="Bentonville", state="AR", postal_code="72716", country="US"),
        lines=tuple(lines), product_total=product, shipping_total=shipping, tax_total=tax,
        order_total=total if total is not None else product + shipping + tax)


def posted_lines(conn, reference):
    return sorted(FsmClient(conn).journal_lines(reference), key=lambda r: r["SequenceNumber"])


def summary(lines):
    return [(r["AccountingEntity"], r["AccountingUnit"], r["AccountCode"], D(r["TransactionAmount"])) for r in lines]


def fsm_calls(method=None):
    calls = Call.objects.filter(system="infor_cloudsuite").exclude(path__contains="token.oauth2")
    return calls.filter(method=method).count() if method else calls.count()


def test_a_single_line_order_posts_one_balanced_journal_in_two_calls(fsm):
    posting = order()
    adapter = Adapter(fsm)
    adapter.ping()  # the token is obtained here, so the count below is the order's own calls
    before = fsm_calls()
    document = adapter.post_order(posting)
    assert fsm_calls() - before == 2  # one batch create, one release
    assert (document.kind, document.number, document.complete) == ("gl_journal", "1", True)
    assert document.data["run_group"] == "WMT-1234567890123"
    lines = posted_lines(fsm, posting.reference)
    assert summary(lines) == [
        ("1000", "ECOM", "1300", D("59.52")),  # receivable: the Walmart order total
        ("1000", "ECOM", "8000", D("-49.99")),  # revenue
        ("1000", "ECOM", "8100", D("-5.00")),  # shipping
        ("1000", "MKTPL", "2200", D("-4.53")),  # tax on product and shipping
    ]
    debits = sum(D(r["TransactionAmount"]) for r in lines if D(r["TransactionAmount"]) > 0)
    credits = -sum(D(r["TransactionAmount"]) for r in lines if D(r["TransactionAmount"]) < 0)
    assert debits == credits == posting.order_total == D("59.52")
    assert {r["PostingDate"] for r in lines} == {posting.order_date.strftime("%Y%m%d")}
    assert {r["Reference"] for r in lines} == {posting.reference}
    assert all(r["Description"].startswith("Walmart PO 1234567890123") for r in lines)
    assert {r["RunGroup"] for r in lines} == {"WMT-1234567890123"}
    assert adapter.find_document(posting.reference).number == "1"


def test_a_multi_line_order_credits_each_line_and_dimension(fsm):
    lines = (line(1, D("10.00"), D("2.50"), D("0.83"), D("0.21")),
             line(2, D("24.99"), D("0"), D("2.06"), gl=TOYS, sku="TOY-1"),
             line(3, D("3.33"), D("1.01")))
    posting = order(po="2000000000001", lines=lines)
    Adapter(fsm).post_order(posting)
    assert summary(posted_lines(fsm, posting.reference)) == [
        ("1000", "ECOM", "1300", D("44.93")),
        ("1000", "ECOM", "8000", D("-10.00")), ("1000", "ECOM", "8100", D("-2.50")), ("1000", "MKTPL", "2200", D("-1.04")),
        # The Toys rule leaves the unit blank: the connection's default_accounting_unit fills it.
        ("1000", "WFS", "8010", D("-24.99")), ("1000", "MKTPL", "2200", D("-2.06")),
        ("1000", "ECOM", "8000", D("-3.33")), ("1000", "ECOM", "8100", D("-1.01")),
    ]
    assert sum(D(r["TransactionAmount"]) for r in posted_lines(fsm, posting.reference)) == 0
    assert stats.documents() == {"gl_transactions": 8, "journals": 1}


def test_an_order_that_does_not_balance_sends_nothing(fsm):
    before = fsm_calls("POST")
    with pytest.raises(PermanentError, match=r"does not balance: debit 60.00 .*credits 59.52"):
        Adapter(fsm).post_order(order(total=D("60.00")))
    missing_gl = order(lines=(line(1, D("5.00"), D("1.00"), gl={"PRODUCT": GL["PRODUCT"]}),))
    with pytest.raises(PermanentError, match="no GL account for SHIPPING") as caught:
        Adapter(fsm).post_order(missing_gl)
    assert caught.value.vendor_code == "unmapped_gl"
    assert fsm_calls("POST") == before and stats.documents()["gl_transactions"] == 0


def test_a_connection_without_receivable_account_is_a_config_error(sandbox):
    conn = provision_connection("bare", sandbox, receivable_account="")
    with pytest.raises(ConfigError, match="receivable_account"):
        Adapter(conn).post_order(order())


def test_a_lost_answer_is_found_and_completed_exactly_once(fsm):
    posting = order()
    adapter = Adapter(fsm)
    Fault.objects.create(system="infor_cloudsuite", mode="drop_after_commit", method="POST",
                         path_contains="CreateUnreleased", starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(posting)
    Fault.objects.all().delete()
    found = adapter.find_document(posting.reference)
    assert (found.kind, found.number, found.complete, found.data["status"]) == (
        "gl_interface", "WMT-1234567890123", False, "unreleased")
    before = fsm_calls()
    document = adapter.post_order(posting, existing=found)
    assert fsm_calls() - before == 2  # read the run group back, release it (nothing was missing)
    assert (document.kind, document.number) == ("gl_journal", "1")
    assert adapter.find_document(posting.reference).complete
    assert stats.documents() == {"gl_transactions": 4, "journals": 1}
    assert stats.duplicate_references() == 0


def test_a_half_loaded_run_group_is_completed_not_doubled(fsm):
    posting = order()
    adapter = Adapter(fsm)
    _, fields = adapter._journal(posting)
    FsmClient(fsm).create_batch(fields[:2])  # an earlier attempt stored only part of the rows
    document = adapter.post_order(posting, existing=adapter.find_document(posting.reference))
    assert document.number == "1" and len(posted_lines(fsm, posting.reference)) == 4
    # A replay without `existing` is refused row by row, recognised as ours, and releases nothing twice.
    again = adapter.post_order(posting)
    assert again.number == "1" and stats.documents() == {"gl_transactions": 4, "journals": 1}
    assert stats.duplicate_references() == 0


def test_a_closed_period_is_permanent_with_fsms_text_and_retry_releases_the_same_rows(sandbox):
    posting = order(when=datetime(2026, 1, 15, 12, tzinfo=timezone.utc))
    conn = provision_connection("closed", sandbox, open_years=[2026], closed_periods=["202601"])
    with pytest.raises(PermanentError, match=r"Period 2026/01 is closed for accounting entity 1000"):
        Adapter(conn).post_order(posting)
    found = Adapter(conn).find_document(posting.reference)
    assert found.complete is False and found.data["status"] == "error"
    assert "Period 2026/01 is closed" in found.data["summary"]
    assert stats.documents()["journals"] == 0
    # Finance reopens the period; the retry releases the rows already loaded.
    conn = provision_connection("closed", sandbox, open_years=[2026])
    assert Adapter(conn).post_order(posting, existing=found).kind == "gl_journal"
    assert stats.documents() == {"gl_transactions": 4, "journals": 1}


def test_a_missing_period_names_the_posting_date(sandbox):
    conn = provision_connection("old", sandbox, open_years=[2020])
    with pytest.raises(PermanentError, match="No period found for Posting Date"):
        Adapter(conn).post_order(order())


def test_changed_data_after_a_failed_post_is_refused_not_mixed(sandbox):
    conn = provision_connection("closed", sandbox, open_years=[2020])
    posting = order(when=datetime(2026, 1, 15, 12, tzinfo=timezone.utc))
    with pytest.raises(PermanentError):
        Adapter(conn).post_order(posting)
    changed = order(when=datetime(2020, 1, 15, 12, tzinfo=timezone.utc))
    with pytest.raises(PermanentError, match="already holds rows .* that differ"):
        Adapter(conn).post_order(changed)
    assert stats.documents() == {"gl_transactions": 4, "journals": 0}


def test_preview_shows_the_exact_calls_and_writes_nothing(fsm):
    posting = order()
    adapter = Adapter(fsm)
    before = fsm_calls()
    preview = adapter.preview_order(posting)
    assert fsm_calls() == before and stats.documents()["gl_transactions"] == 0
    create, release = preview["calls"]
    assert create["method"] == "POST" and create["path"].endswith("GLTransactionInterface/actions/CreateUnreleased/batch")
    records = [r["_fields"] for r in create["body"]["_records"]]
    assert [r["TransactionAmount"] for r in records] == ["59.52", "-49.99", "-5.00", "-4.53"]
    assert release == {"method": "POST", "path": "FSM/fsm/api/classes/GLTransactionInterface/actions/InterfaceTransactions",
                       "body": {"FinanceEnterpriseGroup": "1", "RunGroup": "WMT-1234567890123"}}
    adapter.post_order(posting)
    stored = sorted(FsmClient(fsm).interface_rows("WMT-1234567890123"), key=lambda r: r["SequenceNumber"])
    assert [r["AccountCode"] for r in stored] == [r["AccountCode"] for r in records]


def test_run_groups_are_deterministic_and_fit_fsm():
    assert run_group_for("WMT", "1234567890123") == "WMT-1234567890123"
    long = run_group_for("WMT", "123456789012345678901234567890-GL")
    assert len(long) <= RUN_GROUP_MAX and long == run_group_for("WMT", "123456789012345678901234567890-GL")
    assert long != run_group_for("WMT", "123456789012345678901234567890-GX")
    assert run_group_for("WMT", "po/1") != run_group_for("WMT", "PO1")


def test_lookup_answers_accounts_and_accounting_units(fsm):
    adapter = Adapter(fsm)
    assert adapter.lookup("gl_account", ["8000", "9999"]) == {
        "8000": (True, "Marketplace sales revenue"),
        "9999": (False, "Account 9999 does not exist in finance enterprise group 1")}
    assert adapter.lookup("accounting_unit", ["ECOM", "NOPE"])["NOPE"] == (
        False, "Accounting unit NOPE does not exist in accounting entity 1000")
    assert adapter.lookup("item", ["X"]) == {}
