"""The M3 client against the emulator over real HTTP: bulk orders, M3 errors, paging, faults, find_document."""

import time
from decimal import Decimal

import pytest

from connectors import ping
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError
from connectors.infor_m3.adapter import Adapter
from connectors.infor_m3.client import M3Client, M3TransactionError
from sandbox import clock
from sandbox.infor_m3 import stats
from sandbox.infor_m3.seed import provision_connection
from sandbox.models import Call, Fault

REFERENCE = "1234567890123"


@pytest.fixture
def m3(sandbox):
    return provision_connection("m3", sandbox)


def order(reference=REFERENCE, second_item="ITM00002"):
    return [
        ("AddBatchHead", {"CUNO": "WALMART-MP", "CUOR": reference, "WHLO": "DAL", "ORDT": "20261129", "CUCD": "USD"}),
        ("AddBatchLine", {"ITNO": "ITM00001", "ORQT": Decimal("2"), "SAPR": Decimal("19.99"), "CUOR": reference}),
        ("AddBatchLine", {"ITNO": second_item, "ORQT": 1, "SAPR": Decimal("5.00"), "CUOR": reference}),
        ("Confirm", {}),
    ]


def api_calls(method=None):
    calls = Call.objects.filter(system="infor_m3", path__contains="/m3api-rest/")
    return calls.filter(method=method) if method else calls


def fault(mode, **kwargs):
    return Fault.objects.create(system="infor_m3", mode=mode, starts_at=clock.now(), **kwargs)


def test_a_whole_order_goes_in_one_call_and_reads_back(m3):
    client = M3Client(m3)
    answer = client.bulk("OIS100MI", order())
    assert answer.ok and answer.succeeded == 4 and api_calls("POST").count() == 1
    orno = answer.results[-1].record["ORNO"]
    assert orno and orno != answer.results[0].record["ORNO"]  # the final number replaces the batch number
    head = client.call("OIS100MI", "GetHead", {"ORNO": orno}).record
    assert head["CUOR"] == REFERENCE and head["CUNO"] == "WALMART-MP" and head["WHLO"] == "DAL"
    assert Decimal(head["ONET"]) == Decimal("44.98")
    lines = client.execute("OIS100MI", "LstLine", {"ORNO": orno})
    assert [(line["ITNO"], Decimal(line["ORQT"]), Decimal(line["SAPR"])) for line in lines] == [
        ("ITM00001", Decimal("2"), Decimal("19.99")), ("ITM00002", Decimal("1"), Decimal("5")),
    ]
    assert stats.documents()["customer_orders"] == 1


def test_an_unknown_item_is_a_permanent_error_with_m3s_message_and_field(m3):
    answer = M3Client(m3).bulk("OIS100MI", order(second_item="ITM99999"))
    assert not answer.ok and answer.failed == 2  # the line, then Confirm of a batch order with errors
    with pytest.raises(M3TransactionError) as caught:
        answer.raise_for_errors()
    error = caught.value
    assert isinstance(error, PermanentError)
    assert "Item number ITM99999 does not exist (ITNO)" in str(error)
    assert error.field == "ITNO" and error.transaction == "AddBatchLine"
    assert "cannot be confirmed" in answer.results[-1].error_message
    assert stats.documents()["customer_orders"] == 0


def test_a_single_read_refused_by_m3_is_a_data_error(m3):
    with pytest.raises(M3TransactionError) as caught:
        M3Client(m3).call("MMS200MI", "GetItmBasic", {"ITNO": "ITM99999"})
    assert caught.value.status == 400 and caught.value.field == "ITNO"
    with pytest.raises(M3TransactionError, match=r"Item number must be entered \(ITNO\)"):
        M3Client(m3).call("MMS200MI", "Get", {})


def test_values_are_trimmed_and_returncols_honoured(m3):
    record = M3Client(m3).call("MMS200MI", "GetItmBasic", {"ITNO": "ITM00007"}, returncols=["ITNO", "STAT"]).record
    assert record == {"ITNO": "ITM00007", "STAT": "20"}


def test_an_unauthorised_company_is_named(sandbox):
    conn = provision_connection("m3", sandbox, cono=300, companies=[100])
    with pytest.raises(M3TransactionError, match=r"Not authorized for company 300 \(CONO\)"):
        M3Client(conn).execute("CRS610MI", "GetBasicData", {"CUNO": "WALMART-MP"})


def test_list_transactions_page_to_the_last_page(m3):
    client = M3Client(m3)
    added = client.bulk("CRS610MI", [("Add", {"CUTM": "MKTPL", "CUNM": f"Buyer {n}", "CUA1": f"{n} Main St"})
                                     for n in range(7)])
    added.raise_for_errors()
    before = api_calls("GET").count()
    customers = list(client.iterate("CRS610MI", "LstByNumber", {}, key="CUNO", page_size=3))
    numbers = [c["CUNO"] for c in customers]
    assert len(numbers) == 8 and len(set(numbers)) == 8 and numbers == sorted(numbers)
    assert "WALMART-MP" in numbers
    assert api_calls("GET").count() - before == 4  # 3 + 2 new + 2 new + 1 new (each page restarts at the last key)


def test_ping_checks_the_company_and_division(sandbox):
    assert ping.ping(provision_connection("ok", sandbox)).ok
    conn = provision_connection("other", sandbox, companies=[100, 200], user_cono=200, user_divi="BBB")
    result = ping.ping(conn)
    assert not result.ok
    assert "company 200 division BBB" in result.summary and "company 100 division AAA" in result.summary


def test_latency_is_survived(m3):
    client = M3Client(m3)
    client.execute("MNS150MI", "GetUserData")
    fault("latency", seconds=0.4)
    started = time.monotonic()
    client.execute("MNS150MI", "GetUserData")
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize("mode", ["error", "outage"])
def test_server_errors_are_recoverable(m3, mode):
    client = M3Client(m3)
    client.execute("MNS150MI", "GetUserData")
    fault(mode)
    with pytest.raises(RecoverableError):
        client.execute("MNS150MI", "GetUserData")
    with pytest.raises(RecoverableError):
        client.bulk("OIS100MI", order())


def test_throttling_is_recoverable_with_retry_after(m3):
    client = M3Client(m3)
    client.execute("MNS150MI", "GetUserData")
    fault("throttle", seconds=30)
    with pytest.raises(RecoverableError) as caught:
        client.execute("MNS150MI", "GetUserData")
    assert caught.value.status == 429 and caught.value.retry_after == 30


def test_a_timeout_is_recoverable_for_reads_and_ambiguous_for_writes(sandbox):
    conn = provision_connection("m3", sandbox, read_timeout=1)
    client = M3Client(conn)
    client.execute("MNS150MI", "GetUserData")
    fault("timeout", seconds=2)
    with pytest.raises(RecoverableError, match="no answer"):
        client.execute("MNS150MI", "GetUserData")
    with pytest.raises(AmbiguousOutcome):
        client.bulk("OIS100MI", order())
    wait_for_abandoned_requests(2)


def wait_for_abandoned_requests(count):
    """The emulator still serves the requests the client gave up on; let them end before the test's database goes."""
    deadline = time.monotonic() + 10
    while Call.objects.filter(system="infor_m3", fault="timeout").count() < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_dropped_answer_after_commit_is_found_exactly_once(m3):
    client = M3Client(m3)
    client.execute("MNS150MI", "GetUserData")
    fault("drop_after_commit", method="POST", path_contains="/execute")
    with pytest.raises(AmbiguousOutcome):
        client.bulk("OIS100MI", order())
    Fault.objects.all().delete()
    document = Adapter(m3).find_document(REFERENCE)
    assert document is not None and document.kind == "customer_order"
    assert document.data["duplicates"] == [] and document.data["customer"] == "WALMART-MP"
    assert stats.documents()["customer_orders"] == 1 and stats.duplicate_references() == 0
    assert Adapter(m3).find_document("9999999999999") is None


def test_find_document_works_without_the_search_index(sandbox):
    conn = provision_connection("m3", sandbox, search_available=False)
    client = M3Client(conn)
    orno = client.bulk("OIS100MI", order()).results[-1].record["ORNO"]
    client.bulk("OIS100MI", order(reference="another-order"))
    document = Adapter(conn).find_document(REFERENCE)
    assert document.number == orno and document.data["duplicates"] == []
    assert Adapter(conn).find_document("9999999999999") is None
