"""The FSM client against the emulator over real HTTP: GL interface rows, run group release, periods,
balance, paging, faults and find_document."""

import time
from decimal import Decimal

import pytest

from connectors import ping
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError
from connectors.infor_cloudsuite.adapter import Adapter
from connectors.infor_cloudsuite.client import FsmClient
from sandbox import clock
from sandbox.infor_cloudsuite import stats
from sandbox.infor_cloudsuite.seed import provision_connection
from sandbox.models import Call, Fault

REFERENCE = "1234567890123-1"
SALE = [("1300", Decimal("53.98")), ("8000", Decimal("-49.99")), ("2200", Decimal("-3.99"))]


@pytest.fixture
def fsm(sandbox):
    return provision_connection("fsm", sandbox)


def today():
    return clock.now().strftime("%Y%m%d")


def rows(run_group, lines=SALE, reference=REFERENCE, posting_date=None):
    posting_date = posting_date or today()
    return [{
        "FinanceEnterpriseGroup": "1", "GLTransactionInterface.RunGroup": run_group,
        "GLTransactionInterface.SequenceNumber": n, "AccountingEntity": "1000", "AccountCode": account,
        "GeneralLedgerEvent": "JE", "System": "GL", "PostingDate": posting_date, "TransactionDate": posting_date,
        "TransactionAmount": amount, "Description": f"Walmart PO {reference}", "Reference": reference,
    } for n, (account, amount) in enumerate(lines, start=1)]


def fault(mode, **kwargs):
    return Fault.objects.create(system="infor_cloudsuite", mode=mode, starts_at=clock.now(), **kwargs)


def test_a_balanced_run_group_releases_into_a_journal(fsm):
    client = FsmClient(fsm)
    results = client.create_batch(rows("WMT-1"))
    assert [r.ok for r in results] == [True, True, True]
    assert results[0].fields["Status"] == "Unreleased" and results[0].fields["RunGroup"] == "WMT-1"
    released = client.release("WMT-1")
    assert (released.processed, released.in_error, released.journals) == (3, 0, [1])
    lines = client.journal_lines(REFERENCE)
    assert sorted(Decimal(line["TransactionAmount"]) for line in lines) == sorted(a for _, a in SALE)
    document = Adapter(fsm).find_document(REFERENCE)
    assert (document.kind, document.number, document.data["lines"]) == ("gl_journal", "1", 3)
    assert stats.documents() == {"gl_transactions": 3, "journals": 1}


def test_a_closed_period_leaves_every_row_with_fsms_message(fsm):
    client = FsmClient(fsm)
    client.create_batch(rows("WMT-2", posting_date="20991231"))
    released = client.release("WMT-2")
    assert (released.in_error, released.journals) == (3, [])
    found = client.interface_rows("WMT-2")
    assert {(r["Status"], r["ErrorMessage"]) for r in found} == {("Error", "No period found for Posting Date 20991231")}
    document = Adapter(fsm).find_document(REFERENCE)
    assert document.kind == "gl_interface" and document.data["status"] == "error"


def test_an_unbalanced_run_group_is_refused_whole(fsm):
    client = FsmClient(fsm)
    client.create_batch(rows("WMT-3", lines=[("1300", Decimal("10.00")), ("8000", Decimal("-9.99"))]))
    assert client.release("WMT-3").in_error == 2
    assert {r["ErrorMessage"] for r in client.interface_rows("WMT-3")} == {"Journal is out of balance"}
    assert stats.documents()["journals"] == 0


def test_an_unknown_account_holds_the_run_group(fsm):
    client = FsmClient(fsm)
    client.create_batch(rows("WMT-4", lines=[("1300", Decimal("5.00")), ("9999", Decimal("-5.00"))]))
    assert client.release("WMT-4").in_error == 1
    by_account = {r["AccountCode"]: (r["Status"], r["ErrorMessage"]) for r in client.interface_rows("WMT-4")}
    assert by_account == {"1300": ("Unreleased", ""), "9999": ("Error", "Account 9999 does not exist")}


def test_single_creates_refuse_bad_and_duplicate_rows(fsm):
    client = FsmClient(fsm)
    row = rows("WMT-5")[0]
    assert client.create(row)["Status"] == "Unreleased"
    with pytest.raises(PermanentError, match="already exists for RunGroup WMT-5 SequenceNumber 1"):
        client.create(row)
    incomplete = {k: v for k, v in row.items() if k not in ("AccountCode", "PostingDate")}
    with pytest.raises(PermanentError, match="AccountCode, PostingDate are required"):
        client.create(incomplete)


def test_lists_page_to_the_last_page(sandbox):
    conn = provision_connection("fsm", sandbox, page_size=3)
    client = FsmClient(conn)
    lines = [("1300", Decimal("1.00"))] * 6 + [("8000", Decimal("-6.00"))]
    client.create_batch(rows("WMT-6", lines=lines))
    before = Call.objects.filter(system="infor_cloudsuite", method="GET").count()
    found = client.interface_rows("WMT-6")
    assert [r["SequenceNumber"] for r in found] == list(range(1, 8))
    assert Call.objects.filter(system="infor_cloudsuite", method="GET").count() - before == 3


def test_ping_reads_the_accounting_entity(sandbox):
    assert ping.ping(provision_connection("fsm", sandbox)).ok
    result = ping.ping(provision_connection("other", sandbox, accounting_entity="2000"))
    assert not result.ok and "accounting entity 2000 was not found in finance enterprise group 1" in result.summary


def test_the_customer_master_is_readable(fsm):
    client = FsmClient(fsm)
    assert client.customer("WALMART-MP")["Name"] == "Walmart Marketplace Customers"
    assert client.customer("NOBODY") is None


def test_a_wrong_release_action_is_a_clear_error(sandbox):
    conn = provision_connection("fsm", sandbox, release_action="ReleaseAll")
    with pytest.raises(PermanentError, match="Action ReleaseAll not found"):
        FsmClient(conn).release("WMT-7")


def test_latency_is_survived(fsm):
    client = FsmClient(fsm)
    client.accounting_entity()
    fault("latency", seconds=0.4)
    started = time.monotonic()
    client.accounting_entity()
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize("mode", ["error", "outage"])
def test_server_errors_are_recoverable(fsm, mode):
    client = FsmClient(fsm)
    client.accounting_entity()
    fault(mode)
    with pytest.raises(RecoverableError):
        client.create_batch(rows("WMT-8"))
    assert stats.documents()["gl_transactions"] == 0


def test_throttling_is_recoverable_with_retry_after(fsm):
    client = FsmClient(fsm)
    client.accounting_entity()
    fault("throttle", seconds=20)
    with pytest.raises(RecoverableError) as caught:
        client.accounting_entity()
    assert caught.value.status == 429 and caught.value.retry_after == 20


def test_a_timeout_is_recoverable_for_reads_and_ambiguous_for_writes(sandbox):
    conn = provision_connection("fsm", sandbox, read_timeout=1)
    client = FsmClient(conn)
    client.accounting_entity()
    fault("timeout", seconds=2)
    with pytest.raises(RecoverableError, match="no answer"):
        client.accounting_entity()
    with pytest.raises(AmbiguousOutcome):
        client.create(rows("WMT-9")[0])
    wait_for_abandoned_requests(2)


def wait_for_abandoned_requests(count):
    """The emulator still serves the requests the client gave up on; let them end before the test's database goes."""
    deadline = time.monotonic() + 10
    while Call.objects.filter(system="infor_cloudsuite", fault="timeout").count() < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_dropped_answer_after_commit_is_found_exactly_once(fsm):
    client = FsmClient(fsm)
    client.accounting_entity()
    fault("drop_after_commit", method="POST", path_contains="CreateUnreleased")
    with pytest.raises(AmbiguousOutcome):
        client.create_batch(rows("WMT-10"))
    Fault.objects.all().delete()
    document = Adapter(fsm).find_document(REFERENCE)
    assert (document.kind, document.number, document.data["rows"]) == ("gl_interface", "WMT-10", 3)
    assert document.data["duplicates"] == []
    # Replaying the same rows cannot double them: the row key is unique.
    assert not any(r.ok for r in client.create_batch(rows("WMT-10")))
    assert client.release("WMT-10").journals == [1]
    assert Adapter(fsm).find_document(REFERENCE).kind == "gl_journal"
    assert stats.duplicate_references() == 0
    assert Adapter(fsm).find_document("no-such-reference") is None
