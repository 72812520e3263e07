"""PO receipts: our reference travels with the receipt, find_document finds it, stock reads back
consistently, and PeopleSoft's refusals arrive as PermanentErrors with its message."""

from decimal import Decimal

import pytest

from connectors.errors import ConfigError, PermanentError
from connectors.peoplesoft.adapter import Adapter
from connectors.peoplesoft.client import PeopleSoftClient, PoReceipt, ReceiptLine
from sandbox import catalog, stats
from sandbox.peoplesoft import seed
from sandbox.peoplesoft.models import PoSchedule, Receipt


@pytest.fixture
def conn(sandbox):
    seed.seed_demo()
    return seed.provision_connection("ps", sandbox)


def matched_line(conn, index=1):
    it = catalog.items()[index - 1]
    return Adapter(conn).match_purchase_order(it.item_code, it.supplier, 1).line


def test_a_receipt_raises_stock_as_read_back_through_the_inventory_query(conn):
    client = PeopleSoftClient(conn)
    line = matched_line(conn)
    before = client.inventory_balances(line.business_unit_in, [line.item])[0]

    record = client.create_po_receipt(PoReceipt("108829912345-R1", (ReceiptLine(line, Decimal("3")),)))

    assert len(record.receiver_id) == 10 and record.receiver_id.isdigit()
    after = client.inventory_balances(line.business_unit_in, [line.item])[0]
    assert after.qty_onhand == before.qty_onhand + 3
    assert after.qty_available == before.qty_available + 3
    assert after.qty_reserved == before.qty_reserved
    again = Adapter(conn).match_purchase_order(line.item, line.vendor_id, 1).line
    assert again.po_id == line.po_id and again.qty_received == line.qty_received + 3


def test_find_document_finds_the_receipt_by_our_reference(conn):
    adapter = Adapter(conn)
    assert adapter.find_document("108829912345-R1") is None
    line = matched_line(conn)
    record = adapter.client.create_po_receipt(PoReceipt("108829912345-R1", (ReceiptLine(line, Decimal("2")),)))

    doc = adapter.find_document("108829912345-R1")
    assert doc.number == record.receiver_id and doc.kind == "po_receipt"
    assert doc.data["business_unit"] == line.business_unit and doc.data["duplicates"] == []
    assert doc.data["lines"] == [{"po_id": line.po_id, "line_nbr": line.line_nbr, "sched_nbr": line.sched_nbr,
                                  "item": line.item, "qty": Decimal("2"), "unit_of_measure": "EA"}]
    stored = Receipt.objects.get(receiver_id=record.receiver_id)
    assert stored.bill_of_lading == stored.eip_trans_src_ref == "108829912345-R1"
    assert stored.eip_trans_src == "MLC" and stored.carrier_id == "WALMART"
    assert adapter.find_document("108829912345-R2") is None


def test_a_double_receipt_is_reported(conn):
    adapter = Adapter(conn)
    line = matched_line(conn)
    first = adapter.client.create_po_receipt(PoReceipt("1088-DUP", (ReceiptLine(line, Decimal("1")),)))
    second = adapter.client.create_po_receipt(PoReceipt("1088-DUP", (ReceiptLine(line, Decimal("1")),)))
    doc = adapter.find_document("1088-DUP")
    assert doc.number == first.receiver_id and doc.data["duplicates"] == [second.receiver_id]
    assert stats.collect()["peoplesoft"]["duplicate_references"] == 1


def test_an_over_receipt_is_refused_with_peoplesofts_message(conn):
    client = PeopleSoftClient(conn)
    line = matched_line(conn)
    with pytest.raises(PermanentError, match="over-receipt is not allowed") as caught:
        client.create_po_receipt(PoReceipt("1088-OVER", (ReceiptLine(line, line.open_qty + 1),)))
    assert caught.value.status == 400 and not isinstance(caught.value, ConfigError)
    assert not Receipt.objects.exists()
    assert PoSchedule.objects.get(po_id=line.po_id, line_nbr=line.line_nbr).qty_received == line.qty_received


def test_a_receipt_of_several_lines_is_all_or_nothing(conn):
    client = PeopleSoftClient(conn)
    good, bad = matched_line(conn, 1), matched_line(conn, 7)
    receipt = PoReceipt("1088-ATOMIC", (ReceiptLine(good, Decimal("1")), ReceiptLine(bad, bad.open_qty + 5)))
    with pytest.raises(PermanentError):
        client.create_po_receipt(receipt)
    assert not Receipt.objects.exists()
    assert PoSchedule.objects.get(po_id=good.po_id, line_nbr=good.line_nbr).qty_received == good.qty_received


def test_an_inactive_receipt_operation_is_a_config_error(sandbox):
    seed.seed_demo()
    conn = seed.provision_connection("ps", sandbox, inactive_operations=["PURCHASE_ORDER_RECEIPT.v1"])
    line = matched_line(conn)
    with pytest.raises(ConfigError, match="PURCHASE_ORDER_RECEIPT.v1 is inactive") as caught:
        PeopleSoftClient(conn).create_po_receipt(PoReceipt("1088-INACTIVE", (ReceiptLine(line, Decimal("1")),)))
    assert caught.value.status == 404 and "active and routed" in caught.value.message
