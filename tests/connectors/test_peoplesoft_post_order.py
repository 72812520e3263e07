"""Posting Walmart orders into PeopleSoft as PO receipts, against the emulator over real HTTP: every
line matched to exactly one open PO schedule or nothing created, one receipt per supplier and business
unit read back by reference (parts "-k/n" when there are several), a dropped answer reconciled without
a double receipt, a split post cut half-way completed with its missing parts only, previews that write
nothing, stock that follows."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from connectors import http
from connectors.contract import Address, OrderPosting, PostingLine, reference_for
from connectors.errors import AmbiguousOutcome, PermanentError
from connectors.peoplesoft.adapter import Adapter
from connectors.peoplesoft.client import PoReceipt, ReceiptLine
from sandbox import catalog, clock
from sandbox.models import Call, Fault
from sandbox.peoplesoft import seed, stats
from sandbox.peoplesoft.models import ItemBalance, PoSchedule, Receipt

ORDER_DATE = datetime(2026, 11, 2, 15, 30, tzinfo=timezone.utc)
BU = {s.vendor_id: s.business_unit for s in catalog.SUPPLIERS}


@pytest.fixture
def conn(sandbox):
    seed.seed_demo()
    return seed.provision_connection("ps", sandbox)


def item(index):
    """Demo item by 1-based index: 1, 7, 13, 19 share supplier V1001 with one open PO each; 5 and 25
    have two (ambiguous); 10 and 20 only a completed one (no match)."""
    return catalog.items()[index - 1]


def line(number, index, qty, **changes):
    it = item(index)
    values = dict(line_number=str(number), sku=it.sku, erp_item=it.item_code, quantity=Decimal(qty),
                  walmart_quantity=Decimal(qty), unit="EA", vendor_id=it.supplier, business_unit=BU[it.supplier])
    return PostingLine(**{**values, **changes})


def order(po_id, *lines):
    return OrderPosting(reference=reference_for(po_id, "R"), purchase_order_id=po_id, customer_order_id="C" + po_id,
                        order_date=ORDER_DATE, currency="USD", customer="", ship_to=Address(name="Jane"),
                        lines=tuple(lines))


def calls():
    return list(Call.objects.filter(system="peoplesoft").order_by("id").values_list("method", flat=True))


def schedule(it):
    return PoSchedule.objects.get(inv_item_id=it.item_code, po_status="Dispatched")


def test_a_single_line_order_becomes_one_receipt_read_back_by_reference(conn):
    adapter, it = Adapter(conn), item(1)
    sched = schedule(it)
    before = calls()

    doc = adapter.post_order(order("1000000001", line(1, 1, "3")))

    assert calls()[len(before):] == ["GET", "POST"]  # one open-PO query, one receipt
    assert doc.kind == "po_receipt" and doc.complete and doc.reference == "1000000001-R"
    found = adapter.find_document("1000000001-R")
    assert found.number == doc.number and found.data["duplicates"] == []
    assert found.data["business_unit"] == "US001" and found.data["vendor_id"] == it.supplier
    assert found.data["lines"] == [{"po_id": sched.po_id, "line_nbr": sched.line_nbr, "sched_nbr": 1,
                                    "item": it.item_code, "qty": Decimal("3"), "unit_of_measure": "EA"}]
    stored = Receipt.objects.get(receiver_id=doc.number)
    assert stored.bill_of_lading == stored.eip_trans_src_ref == "1000000001-R" and stored.business_unit == "US001"
    sched.refresh_from_db()
    assert sched.qty_received == 3


def test_a_multi_line_order_is_one_receipt_with_a_line_per_order_line(conn):
    adapter = Adapter(conn)
    before = calls()
    doc = adapter.post_order(order("1000000002", line(1, 1, "2"), line(2, 7, "5"), line(3, 13, "1")))

    assert calls()[len(before):] == ["GET", "GET", "GET", "POST"]  # one query per distinct item, one receipt
    found = adapter.find_document("1000000002-R")
    assert found.number == doc.number and Receipt.objects.count() == 1
    got = [(ln["item"], ln["qty"], ln["po_id"]) for ln in found.data["lines"]]
    assert got == [(item(i).item_code, Decimal(q), schedule(item(i)).po_id) for i, q in ((1, 2), (7, 5), (13, 1))]
    assert doc.data["lines"] == found.data["lines"]


def test_two_lines_of_one_item_share_its_schedule_within_its_open_quantity(conn):
    adapter, it = Adapter(conn), item(1)  # 48 open
    doc = adapter.post_order(order("1000000003", line(1, 1, "20"), line(2, 1, "20")))
    assert [ln["qty"] for ln in adapter.find_document("1000000003-R").data["lines"]] == [20, 20]
    assert schedule(it).qty_received == 40

    # 5 + 5 more exceed the 8 still open although each line alone fits: no receipt.
    with pytest.raises(PermanentError, match=r"lines 1, 2 \(item ITM00001, qty 10 together\)") as caught:
        adapter.post_order(order("1000000004", line(1, 1, "5"), line(2, 1, "5")))
    assert caught.value.vendor_code == "no_po_match" and "at most 8 open" in caught.value.message
    assert Receipt.objects.filter(bill_of_lading="1000000004-R").count() == 0 and doc.number != ""


def test_no_open_po_goes_to_review_and_creates_nothing(conn):
    adapter = Adapter(conn)
    with pytest.raises(PermanentError) as caught:
        adapter.post_order(order("1000000005", line(1, 1, "1"), line(2, 10, "1")))
    err = caught.value
    assert err.vendor_code == "no_po_match"
    assert f"line 2 (SKU {item(10).sku}, item {item(10).item_code}, qty 1): no_po_match" in err.message
    assert "candidates: none" in err.message
    assert not Receipt.objects.exists() and "POST" not in calls()
    assert schedule(item(1)).qty_received == 0


def test_two_qualifying_pos_are_ambiguous_with_the_candidates_named(conn):
    it = item(5)
    pos = sorted(PoSchedule.objects.filter(inv_item_id=it.item_code).values_list("po_id", flat=True))
    assert len(pos) == 2
    with pytest.raises(PermanentError) as caught:
        Adapter(conn).post_order(order("1000000006", line(1, 5, "1")))
    assert caught.value.vendor_code == "ambiguous_po_match"
    assert all(f"US001/{po}" in caught.value.message for po in pos)
    assert not Receipt.objects.exists() and "POST" not in calls()


def receipts_of(reference):
    return list(Receipt.objects.filter(bill_of_lading__startswith=reference).order_by("bill_of_lading")
                .values_list("bill_of_lading", "business_unit", "vendor_id"))


def test_lines_of_two_suppliers_become_one_receipt_each_read_back_by_reference(conn):
    adapter = Adapter(conn)
    received = [schedule(item(i)).qty_received for i in (3, 1, 7)]
    before = calls()
    # Line 1 is V1003 in US002, lines 2 and 3 are V1001 in US001: parts are numbered by (BU, vendor), not line.
    doc = adapter.post_order(order("1000000007", line(1, 3, "2"), line(2, 1, "1"), line(3, 7, "4")))

    assert calls()[len(before):] == ["GET", "GET", "GET", "POST", "POST"]  # a query per item, a receipt per supplier
    assert receipts_of("1000000007-R") == [("1000000007-R-1/2", "US001", "V1001"),
                                           ("1000000007-R-2/2", "US002", "V1003")]
    first = Receipt.objects.get(bill_of_lading="1000000007-R-1/2")
    assert first.eip_trans_src_ref == "1000000007-R-1/2" and doc.number == first.receiver_id
    assert doc.complete and doc.reference == "1000000007-R" and doc.data["parts"] == 2 and doc.data["missing"] == []
    assert [[ln["item"] for ln in r["lines"]] for r in doc.data["receipts"]] == [[item(1).item_code, item(7).item_code],
                                                                                  [item(3).item_code]]

    found = adapter.find_document("1000000007-R")
    assert found.complete and found.number == doc.number and found.data["duplicates"] == []
    assert [(r["part"], r["reference"], r["receiver_id"]) for r in found.data["receipts"]] == [
        (r["part"], r["reference"], r["receiver_id"]) for r in doc.data["receipts"]]
    assert found.data["lines"] == doc.data["lines"]
    assert [schedule(item(i)).qty_received - r for i, r in zip((3, 1, 7), received)] == [2, 1, 4]
    assert stats.duplicate_references() == 0


def test_a_split_post_cut_after_its_second_receipt_is_completed_with_the_missing_one_only(conn, monkeypatch):
    adapter = Adapter(conn)
    received = [schedule(item(i)).qty_received for i in (1, 2, 3)]
    # Three receivers: US001/V1001 (item 1, all 48 open taken), US001/V1002 (item 2), US002/V1003 (item 3).
    posting = order("1000000013", line(1, 3, "1"), line(2, 2, "1"), line(3, 1, "48"))
    original, sent = adapter.client.create_po_receipt, []

    def create(receipt):
        sent.append(receipt.reference)
        if len(sent) == 2:  # the first receipt exists: from now on the answer to a receipt is lost after commit
            Fault.objects.create(system="peoplesoft", mode="drop_after_commit", starts_at=clock.now(),
                                 path_contains="PURCHASE_ORDER_RECEIPT", method="POST")
        return original(receipt)

    monkeypatch.setattr(adapter.client, "create_po_receipt", create)
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(posting)
    Fault.objects.all().delete()
    assert sent == ["1000000013-R-1/3", "1000000013-R-2/3"]

    doc = adapter.find_document(posting.reference)
    assert not doc.complete and doc.data["parts"] == 3 and doc.data["missing"] == ["1000000013-R-3/3"]
    assert [r["part"] for r in doc.data["receipts"]] == [1, 2]
    assert doc.number == Receipt.objects.get(bill_of_lading="1000000013-R-1/3").receiver_id

    # Part 1 used up item 1's schedule: it is not matched again (it could not be), only item 3 is.
    before = calls()
    done = adapter.post_order(posting, existing=doc)
    assert calls()[len(before):] == ["GET", "POST"] and sent[2:] == ["1000000013-R-3/3"]
    assert done.complete and done.number == doc.number and [r["part"] for r in done.data["receipts"]] == [1, 2, 3]
    assert receipts_of("1000000013-R") == [("1000000013-R-1/3", "US001", "V1001"),
                                           ("1000000013-R-2/3", "US001", "V1002"),
                                           ("1000000013-R-3/3", "US002", "V1003")]
    assert adapter.find_document(posting.reference).complete
    assert stats.duplicate_references() == 0
    assert [schedule(item(i)).qty_received - r for i, r in zip((1, 2, 3), received)] == [48, 1, 1]


def test_a_lost_answer_to_the_last_part_reconciles_to_the_complete_order(conn):
    adapter = Adapter(conn)
    posting = order("1000000014", line(1, 1, "1"), line(2, 3, "1"))
    Fault.objects.create(system="peoplesoft", mode="drop_after_commit", starts_at=clock.now(),
                         path_contains="PURCHASE_ORDER_RECEIPT", method="POST", rate=1.0)
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(posting)  # the first answer is lost: the second part is never sent
    Fault.objects.all().delete()

    doc = adapter.find_document(posting.reference)
    assert not doc.complete and doc.data["missing"] == ["1000000014-R-2/2"]
    assert adapter.post_order(posting, existing=doc).complete
    found = adapter.find_document(posting.reference)
    assert found.complete and found.data["duplicates"] == [] and stats.duplicate_references() == 0
    assert adapter.post_order(posting, existing=found) is found  # complete: nothing more to send


def test_a_second_receipt_for_one_part_is_a_duplicate_the_other_parts_are_not(conn):
    adapter = Adapter(conn)
    posting = order("1000000015", line(1, 1, "1"), line(2, 3, "1"))
    adapter.post_order(posting)
    assert stats.duplicate_references() == 0  # "-1/2" and "-2/2" are two references

    again = adapter.client.create_po_receipt(PoReceipt("1000000015-R-1/2", (
        ReceiptLine(adapter.match_purchase_order(item(1).item_code, item(1).supplier, 1).line, Decimal("1")),)))
    assert stats.duplicate_references() == 1
    found = adapter.find_document(posting.reference)
    assert found.complete and found.data["duplicates"] == [again.receiver_id]


def test_completing_a_split_that_no_longer_fits_creates_nothing_more_and_says_what_exists(conn):
    adapter = Adapter(conn)
    posting = order("1000000018", line(1, 1, "1"), line(2, 3, "1"))
    po_line = adapter.match_purchase_order(item(1).item_code, item(1).supplier, 1).line
    # Item 1's receiver sorts first (US001 before US002), so a part 2/2 holding it is not this order's split.
    adapter.client.create_po_receipt(PoReceipt("1000000018-R-2/2", (ReceiptLine(po_line, Decimal("1")),)))
    with pytest.raises(PermanentError, match=r"now call for 1/2 US001/V1001, 2/2 US002/V1003: nothing more created"):
        adapter.post_order(posting, existing=adapter.find_document(posting.reference))
    assert receipts_of("1000000018-R") == [("1000000018-R-2/2", "US001", "V1001")]

    # A remaining line that lost its PO goes to review like any unmatched line, naming what exists.
    adapter.client.create_po_receipt(PoReceipt("1000000019-R-1/2", (ReceiptLine(po_line, Decimal("1")),)))
    PoSchedule.objects.filter(inv_item_id=item(3).item_code).update(po_status="Complete")
    with pytest.raises(PermanentError, match=r"no further receipt created \(already in PeopleSoft: 1000000019-R-1/2 "
                                             r"\(US001/V1001") as caught:
        adapter.post_order(order("1000000019", line(1, 1, "1"), line(2, 3, "1")),
                           existing=adapter.find_document("1000000019-R"))
    assert caught.value.vendor_code == "no_po_match" and receipts_of("1000000019-R") == [
        ("1000000019-R-1/2", "US001", "V1001")]


def test_find_document_keeps_only_the_reference_and_its_parts(conn):
    adapter = Adapter(conn)
    po_line = adapter.match_purchase_order(item(1).item_code, item(1).supplier, 1).line
    for reference in ("1000000016-RX", "1000000016-R-1/1", "1000000016-R-01/2", "1000000016-R-3/2"):
        adapter.client.create_po_receipt(PoReceipt(reference, (ReceiptLine(po_line, Decimal("1")),)))
    assert adapter.find_document("1000000016-R") is None  # neighbours the LIKE prompt lets through
    adapter.client.create_po_receipt(PoReceipt("1000000016-R-2/2", (ReceiptLine(po_line, Decimal("1")),)))
    doc = adapter.find_document("1000000016-R")
    assert not doc.complete and doc.data["missing"] == ["1000000016-R-1/2"]


def test_a_split_whose_reference_would_be_too_long_creates_nothing(conn):
    long_id = "1" * 25  # "-R" plus "-1/2" exceeds the 30 characters of BILL_OF_LADING
    with pytest.raises(PermanentError, match="longer than the 30 characters"):
        Adapter(conn).post_order(order(long_id, line(1, 1, "1"), line(2, 3, "1")))
    assert not Receipt.objects.exists() and "POST" not in calls()


def test_the_preview_of_a_split_order_shows_every_receipt(conn, monkeypatch):
    adapter = Adapter(conn)
    posting = order("1000000017", line(1, 3, "1"), line(2, 1, "2"))
    before = calls()
    preview = adapter.preview_order(posting)
    assert set(calls()[len(before):]) == {"GET"} and not Receipt.objects.exists() and "review" not in preview
    headers = [c["json"]["BCT_C_PO_RC_EVW"] for c in preview["calls"]]
    assert [(h["BILL_OF_LADING"], h["BUSINESS_UNIT"], h["VENDOR_ID"]) for h in headers] == [
        ("1000000017-R-1/2", "US001", "V1001"), ("1000000017-R-2/2", "US002", "V1003")]
    assert [[d["QTY"] for d in h["BCT_D_PO_RC_EVW"]] for h in headers] == [["2"], ["1"]]

    sent = []
    original = http.send
    monkeypatch.setattr(http, "send", lambda *a, **kw: sent.append(kw.get("json")) or original(*a, **kw))
    adapter.post_order(posting)
    assert [body for body in sent if body] == [c["json"] for c in preview["calls"]]


def test_old_pos_are_left_out_by_the_lookback(sandbox):
    seed.seed_demo()
    conn = seed.provision_connection("ps", sandbox, po_lookback_days=10)  # POs are dated Sep-Oct 2026
    with pytest.raises(PermanentError, match="dated 2026-10-23 or later") as caught:
        Adapter(conn).post_order(order("1000000008", line(1, 1, "1")))
    assert caught.value.vendor_code == "no_po_match"


def test_a_dropped_answer_is_ambiguous_and_reconciles_to_one_receipt(conn):
    adapter = Adapter(conn)
    posting = order("1000000009", line(1, 7, "4"))
    Fault.objects.create(system="peoplesoft", mode="drop_after_commit", starts_at=clock.now(),
                         path_contains="PURCHASE_ORDER_RECEIPT", method="POST")
    with pytest.raises(AmbiguousOutcome):
        adapter.post_order(posting)
    Fault.objects.all().delete()

    doc = adapter.find_document(posting.reference)
    assert doc is not None and doc.data["duplicates"] == [] and doc.data["lines"][0]["qty"] == 4
    before = calls()
    assert adapter.post_order(posting, existing=doc) is doc  # completes nothing: a receipt is one call
    assert calls() == before
    assert Receipt.objects.filter(bill_of_lading=posting.reference).count() == 1
    assert stats.duplicate_references() == 0


def test_preview_shows_the_exact_request_and_writes_nothing(conn, monkeypatch):
    adapter = Adapter(conn)
    posting = order("1000000010", line(1, 1, "2"), line(2, 7, "1"))
    before = calls()

    preview = adapter.preview_order(posting)

    assert set(calls()[len(before):]) == {"GET"} and not Receipt.objects.exists()
    assert [m["po"]["po_id"] for m in preview["matches"]] == [schedule(item(1)).po_id, schedule(item(7)).po_id]
    assert "review" not in preview and len(preview["calls"]) == 1
    call = preview["calls"][0]
    assert call["method"] == "POST" and call["path"].endswith("/PSFT_EP/PURCHASE_ORDER_RECEIPT.v1")
    header = call["json"]["BCT_C_PO_RC_EVW"]
    assert header["BILL_OF_LADING"] == "1000000010-R" and [d["QTY"] for d in header["BCT_D_PO_RC_EVW"]] == ["2", "1"]

    sent = []
    original = http.send
    monkeypatch.setattr(http, "send", lambda *a, **kw: sent.append(kw.get("json")) or original(*a, **kw))
    adapter.post_order(posting)
    assert sent[-1] == call["json"]


def test_preview_of_an_unmatched_order_says_why(conn):
    preview = Adapter(conn).preview_order(order("1000000011", line(1, 20, "1")))
    assert preview["calls"] == [] and preview["review"]["reason"] == "no_po_match"
    assert preview["matches"][0]["reason"] == "no_po_match" and preview["matches"][0]["po"] is None


def test_stock_levels_rise_by_the_received_quantity(conn):
    adapter, it = Adapter(conn), item(19)
    unit = schedule(it).business_unit_in
    before = {s.item: s.available for s in adapter.stock_levels([it.item_code, "NO-SUCH-ITEM"], unit)}
    assert before["NO-SUCH-ITEM"] == 0

    adapter.post_order(order("1000000012", line(1, 19, "6")))

    after = adapter.stock_levels([it.item_code], unit)
    assert [(s.item, s.warehouse) for s in after] == [(it.item_code, unit)]
    assert after[0].available == before[it.item_code] + 6
    assert ItemBalance.objects.get(business_unit=unit, inv_item_id=it.item_code).qty_onhand == it.stock[unit] + 6
