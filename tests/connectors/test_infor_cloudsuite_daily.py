"""Daily summary mode of the FSM adapter over real HTTP against the emulator: the orders of a day load
unreleased into one run group, each exactly once, and release_day makes one balanced journal of them."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from connectors.errors import AmbiguousOutcome, PermanentError
from connectors.infor_cloudsuite import journal
from connectors.infor_cloudsuite.adapter import Adapter
from connectors.infor_cloudsuite.client import FsmClient
from connectors.infor_cloudsuite.config import CloudSuiteConfig
from sandbox import clock
from sandbox.infor_cloudsuite import stats
from sandbox.infor_cloudsuite.seed import provision_connection
from sandbox.models import Fault
from tests.connectors.test_infor_cloudsuite_post_order import D, fsm_calls, line, order

DAY = datetime(2026, 3, 10, 15, tzinfo=timezone.utc)
GROUP = "WMTD-20260310-1000"


def daily(sandbox, name="daily", **overrides):
    return provision_connection(name, sandbox, default_accounting_unit="WFS", posting_mode="daily_summary",
                                open_years=[2026], **overrides)


def three_orders(when=DAY):
    return [order(po="1000000000001", when=when),
            order(po="1000000000002", when=when, lines=(line(1, D("10.00"), D("2.50"), D("0.83"), D("0.21")),
                                                        line(2, D("24.99"), D("0"), D("2.06"), sku="SKU-2"))),
            order(po="1000000000003", when=when, lines=(line(1, D("3.33"), D("1.01")),))]


def rows_of(conn, run_group):
    return FsmClient(conn).interface_rows(run_group)


def test_a_days_orders_load_unreleased_into_one_run_group_in_two_calls_each(sandbox):
    conn = daily(sandbox)
    adapter = Adapter(conn)
    adapter.ping()
    documents = []
    for posting in three_orders():
        before = fsm_calls()
        documents.append(adapter.post_order(posting))
        assert fsm_calls() - before == 2  # claim the order's sequence block, load its other rows
    assert {(d.kind, d.number, d.complete, d.data["mode"]) for d in documents} == {
        ("gl_interface", GROUP, True, "daily_summary")}
    stored = rows_of(conn, GROUP)
    assert len(stored) == 4 + 6 + 3 and {r["Status"] for r in stored} == {"Unreleased"}
    assert stats.documents()["journals"] == 0
    for posting, document in zip(three_orders(), documents):
        found = adapter.find_document(posting.reference)
        assert (found.kind, found.number, found.complete, found.data["status"]) == (
            "gl_interface", GROUP, True, "unreleased")
        assert found.data["slot"] == document.data["slot"] and found.data["rows"] == document.data["rows"]
        mine = [r for r in stored if r["Reference"] == posting.reference]
        assert sum(D(r["TransactionAmount"]) for r in mine) == 0
        assert {journal.slot_of(r["SequenceNumber"]) for r in mine} == {document.data["slot"]}
    assert adapter.find_document("9999999999999") is None


def test_a_replayed_order_is_not_loaded_twice(sandbox):
    conn = daily(sandbox)
    adapter = Adapter(conn)
    first, *_ = postings = three_orders()
    for posting in postings:
        adapter.post_order(posting)
    loaded = stats.documents()["gl_transactions"]
    again = adapter.post_order(first)  # no `existing`: FSM's row key refuses the claim, the row is ours
    slot = adapter.find_document(first.reference).data["slot"]
    assert (again.number, again.complete, again.data["slot"]) == (GROUP, True, slot)
    assert stats.documents()["gl_transactions"] == loaded
    adapter.release_day(date(2026, 3, 10))
    adapter.post_order(first)  # a replay after the release loads nothing either
    assert stats.documents() == {"gl_transactions": loaded, "journals": 1}
    assert stats.duplicate_references() == 0


def test_release_day_makes_one_journal_balanced_to_the_cent(sandbox):
    conn = daily(sandbox)
    adapter = Adapter(conn)
    postings = three_orders()
    for posting in postings:
        adapter.post_order(posting)
    before = fsm_calls()
    result = adapter.release_day(date(2026, 3, 10))
    assert fsm_calls() - before == 1
    assert result == {"run_group": GROUP, "released": 13, "journal": "1", "journals": ["1"], "errors": [],
                      "orders_in_error": {}}
    client = FsmClient(conn)
    everything = []
    for posting in postings:
        lines = client.journal_lines(posting.reference)
        everything += lines
        assert {r["JournalEntry"] for r in lines} == {1}
        assert sum(D(r["TransactionAmount"]) for r in lines) == 0
        assert max(D(r["TransactionAmount"]) for r in lines) == posting.order_total  # the order's debit
        found = adapter.find_document(posting.reference)
        assert found.complete and found.data["status"] == "released" and found.data["journals"] == ["1"]
    debits = sum(D(r["TransactionAmount"]) for r in everything if D(r["TransactionAmount"]) > 0)
    credits = -sum(D(r["TransactionAmount"]) for r in everything if D(r["TransactionAmount"]) < 0)
    assert debits == credits == sum(p.order_total for p in postings)
    assert stats.documents() == {"gl_transactions": 13, "journals": 1}
    # Again (a lost answer, a second scheduler run): nothing to release, the day's journal is named.
    assert adapter.release_day("20260310") == {"run_group": GROUP, "released": 0, "journal": "1", "journals": ["1"],
                                               "errors": [], "orders_in_error": {}}
    assert adapter.release_day(date(2026, 3, 9))["journal"] is None


def test_a_closed_period_returns_fsms_text_and_leaves_the_day_unreleased(sandbox):
    conn = daily(sandbox, closed_periods=["202603"])
    adapter = Adapter(conn)
    postings = three_orders()
    for posting in postings:
        assert adapter.post_order(posting).complete  # loading checks structure only, as in FSM
    result = adapter.release_day(date(2026, 3, 10))
    text = "Period 2026/03 is closed for accounting entity 1000; Posting Date 20260310 cannot be used"
    assert (result["released"], result["journal"], result["errors"]) == (0, None, [text])
    assert result["orders_in_error"] == {p.reference: [text] for p in postings}
    assert {r["Status"] for r in rows_of(conn, GROUP)} == {"Error"} and stats.documents()["journals"] == 0
    assert adapter.find_document(postings[0].reference).data["status"] == "error"
    # Finance reopens the period: the next daily run releases the same rows.
    conn = daily(sandbox)
    assert Adapter(conn).release_day(date(2026, 3, 10))["released"] == 13
    assert stats.documents() == {"gl_transactions": 13, "journals": 1}


def test_each_posting_day_has_its_own_run_group_on_the_ledgers_calendar(sandbox):
    conn = daily(sandbox, posting_timezone="America/Chicago")
    adapter = Adapter(conn)
    first = adapter.post_order(order(po="1000000000001", when=DAY))
    # 03:00 UTC on the 12th is still the 11th in Chicago.
    late = adapter.post_order(order(po="1000000000002", when=datetime(2026, 3, 12, 3, tzinfo=timezone.utc)))
    assert (first.number, late.number) == (GROUP, "WMTD-20260311-1000")
    assert adapter.release_day(date(2026, 3, 10))["released"] == 4
    assert {r["Status"] for r in rows_of(conn, "WMTD-20260311-1000")} == {"Unreleased"}
    assert adapter.release_day(date(2026, 3, 11))["journal"] == "2"


def test_a_lost_claim_answer_is_found_half_loaded_and_completed(sandbox):
    conn = daily(sandbox)
    adapter = Adapter(conn)
    posting, other, _ = three_orders()
    adapter.post_order(other)
    Fault.objects.create(system="infor_cloudsuite", mode="drop_after_commit", method="POST",
                         path_contains="CreateUnreleased", starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(posting)
    Fault.objects.all().delete()
    found = adapter.find_document(posting.reference)
    assert (found.number, found.complete, found.data["rows"], found.data["expected_rows"]) == (GROUP, False, 1, 4)
    # Released now, the day would not balance: the half-loaded order is the one named.
    held = adapter.release_day(date(2026, 3, 10))
    assert held["released"] == 0 and held["errors"] == ["Journal is out of balance"]
    assert list(held["orders_in_error"]) == [posting.reference]
    done = adapter.post_order(posting, existing=found)
    assert done.complete and adapter.find_document(posting.reference).complete
    assert adapter.release_day(date(2026, 3, 10))["released"] == 10
    assert stats.documents() == {"gl_transactions": 10, "journals": 1} and stats.duplicate_references() == 0


def test_a_lost_answer_after_the_whole_load_is_found_complete(sandbox, monkeypatch):
    conn = daily(sandbox)
    adapter = Adapter(conn)
    posting = three_orders()[0]
    create_batch = adapter.client.create_batch

    def drop_the_second(records):
        if records[0]["GLTransactionInterface.SequenceNumber"] % journal.SLOT_ROWS != 1:
            Fault.objects.create(system="infor_cloudsuite", mode="drop_after_commit", method="POST",
                                 path_contains="CreateUnreleased", starts_at=clock.now())
        return create_batch(records)

    monkeypatch.setattr(adapter.client, "create_batch", drop_the_second)
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(posting)
    Fault.objects.all().delete()
    found = Adapter(conn).find_document(posting.reference)
    assert (found.number, found.complete, found.data["rows"]) == (GROUP, True, 4)


def test_orders_whose_blocks_collide_take_the_next_free_block(sandbox, monkeypatch):
    monkeypatch.setattr(journal, "slots", lambda reference: [7, 8, 9])
    conn = daily(sandbox)
    adapter = Adapter(conn)
    first, second, _ = three_orders()
    assert adapter.post_order(first).data["slot"] == 7
    assert adapter.post_order(second).data["slot"] == 8
    assert adapter.post_order(second).data["slot"] == 8  # its replay finds its own block, loads nothing
    assert stats.documents()["gl_transactions"] == 10
    assert [adapter.find_document(p.reference).data["slot"] for p in (first, second)] == [7, 8]
    assert adapter.release_day(date(2026, 3, 10))["released"] == 10


def test_a_row_fsm_refuses_is_permanent_and_loads_nothing(sandbox):
    conn = daily(sandbox, reference_field="Reference")
    posting = order(po="1" * 61)  # longer than FSM's 60-character Reference
    with pytest.raises(PermanentError, match="Reference is longer than 60 characters"):
        Adapter(conn).post_order(posting)
    assert stats.documents()["gl_transactions"] == 0


def test_preview_shows_the_two_loads_and_the_daily_release(sandbox):
    conn = daily(sandbox)
    preview = Adapter(conn).preview_order(three_orders()[0])
    claim, rest = preview["calls"]
    assert claim["path"].endswith("CreateUnreleased/batch") and rest["path"].endswith("CreateUnreleased/batch")
    records = [r["_fields"] for r in claim["body"]["_records"] + rest["body"]["_records"]]
    assert {r["GLTransactionInterface.RunGroup"] for r in records} == {GROUP}
    assert records[0]["Description"] == "Walmart PO 1000000000001 4 rows AR WALMART-MP"
    assert [r["TransactionAmount"] for r in records] == ["59.52", "-49.99", "-5.00", "-4.53"]
    assert "release_day" in preview["note"] and stats.documents()["gl_transactions"] == 0


def test_an_order_posted_per_order_is_still_found_after_switching_to_daily(sandbox):
    conn = provision_connection("switch", sandbox, default_accounting_unit="WFS", open_years=[2026])
    posting = order(when=DAY)
    Adapter(conn).post_order(posting)
    conn = provision_connection("switch", sandbox, default_accounting_unit="WFS", open_years=[2026],
                                posting_mode="daily_summary")
    found = Adapter(conn).find_document(posting.reference)
    assert (found.kind, found.number, found.complete) == ("gl_journal", "1", True)


def test_a_half_done_day_load_is_finished_as_a_day_load_after_switching_back(sandbox):
    conn = daily(sandbox)
    posting = order(when=DAY)
    rows = journal.build_rows(conn.typed_config, posting)
    fields = Adapter(conn)._day_fields(posting, rows, GROUP, journal.slots(posting.reference)[0])
    FsmClient(conn).create_batch(fields[:2])  # an earlier attempt stored the claim and one credit only
    conn = provision_connection("daily", sandbox, default_accounting_unit="WFS", open_years=[2026])
    adapter = Adapter(conn)  # per_order now
    found = adapter.find_document(posting.reference)
    assert (found.number, found.complete, found.data["mode"], found.data["rows"]) == (GROUP, False, "daily_summary", 2)
    done = adapter.post_order(posting, existing=found)
    assert (done.number, done.complete) == (GROUP, True) and len(rows_of(conn, GROUP)) == 4
    assert stats.documents()["journals"] == 0  # the day's release, not the order, makes the journal


def test_day_run_groups_must_fit_fsm():
    base = {"ionapi": {"ti": "T", "cn": "c", "ci": "c", "iu": "https://x", "pu": "https://x/T/as/",
                       "oa": "authorization.oauth2", "ot": "token.oauth2", "or": "revoke_token.oauth2",
                       "saak": "a"},
            "finance_enterprise_group": "1", "accounting_entity": "1000"}
    assert CloudSuiteConfig.model_validate({**base, "posting_mode": "daily_summary"}).summary_run_group_prefix == "WMTD"
    with pytest.raises(ValidationError, match="shorten the prefix"):
        CloudSuiteConfig.model_validate({**base, "summary_run_group_prefix": "ABCDEFGHIJ",
                                         "accounting_entity": "ENTITY12345"})
    assert journal.day_run_group("WMTD", date(2026, 3, 10), "1000") == GROUP
    with pytest.raises(PermanentError):
        journal.day_key("yesterday")
