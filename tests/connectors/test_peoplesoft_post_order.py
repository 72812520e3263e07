"""Posting Walmart orders into PeopleSoft as PO receipts, against the emulator over real HTTP: every
line matched to exactly one open PO schedule or nothing created, one receipt read back by reference,
a dropped answer reconciled without a double receipt, previews that write nothing, stock that follows."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from connectors import http
from connectors.contract import Address, OrderPosting, PostingLine, reference_for
from connectors.errors import AmbiguousOutcome, PermanentError
from connectors.peoplesoft.adapter import Adapter
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


def test_lines_of_two_suppliers_cannot_share_a_receipt(conn):
    with pytest.raises(PermanentError, match="more than one business unit or supplier") as caught:
        Adapter(conn).post_order(order("1000000007", line(1, 1, "1"), line(2, 3, "1")))
    assert caught.value.vendor_code is None and not Receipt.objects.exists()


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
