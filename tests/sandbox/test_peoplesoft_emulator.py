"""The PeopleSoft emulator itself: demo data as documented, idempotent seeding, the gateway's refusals,
QAS prompt handling and the receipt message's required fields, reached over HTTP with connectors.http."""

from collections import Counter
from decimal import Decimal

import pytest

from connectors import http
from connectors.errors import ConfigError, PermanentError
from connectors.peoplesoft.client import PeopleSoftClient, PoReceipt, ReceiptLine
from sandbox import catalog
from sandbox.peoplesoft import seed, stats
from sandbox.peoplesoft.models import ItemBalance, PoSchedule, Receipt

QAS = "ExecuteQuery.v1/PUBLIC/ML_INV_BALANCES/JSON/NONFILE"


@pytest.fixture
def conn(sandbox):
    seed.seed_demo()
    return seed.provision_connection("ps", sandbox)


def open_lines(conn, it):
    return PeopleSoftClient(conn).open_po_lines(it.item_code, it.supplier)


def receipt_body(line, **header_changes):
    header = {
        "EIP_TRANS_SRC": "MLC", "EIP_TRANS_SRC_REF": "REF-1", "EIP_TRANS_SRC_SEQ": 1, "TRANSACTION_CODE": "0104",
        "SHIPTO_SETID": "SHARE", "SHIPTO_ID": line.shipto_id, "VENDOR_ID": line.vendor_id, "CARRIER_ID": "UPS",
        "BILL_OF_LADING": "REF-1", "RECEIVER_ID": "NEXT", "BUSINESS_UNIT": line.business_unit, "END_TRANS_FLAG": "Y",
    }
    detail = {
        "EIP_TRANS_SRC_SEQ": 1, "TRANSACTION_CODE": "0104", "UNIT_OF_MEASURE": "EA", "RECEIVER_ID": "NEXT",
        "RECV_LN_NBR": 1, "QTY": "1", "SCHED_NBR": line.sched_nbr, "BUSINESS_UNIT_PO": line.business_unit,
        "PO_ID": line.po_id, "LINE_NBR": line.line_nbr,
    }
    header.update(header_changes)
    return {"BCT_C_PO_RC_EVW": {**header, "BCT_D_PO_RC_EVW": [detail]}}


def test_demo_data_has_single_missing_and_ambiguous_matches(conn):
    found = {index: len(open_lines(conn, catalog.items()[index - 1])) for index in (1, 2, 3, 5, 10, 15, 20)}
    assert found == {1: 1, 2: 1, 3: 1, 5: 2, 10: 0, 15: 2, 20: 0}
    open_per_item = Counter(PoSchedule.objects.filter(po_status__in=["Approved", "Dispatched"])
                            .values_list("inv_item_id", flat=True))
    histogram = Counter(open_per_item.get(it.item_code, 0) for it in catalog.items())
    assert histogram == {1: 240, 2: 30, 0: 30}


def test_demo_stock_is_the_catalog_stock(conn):
    for it in catalog.items()[:20]:
        for warehouse, qty in it.stock.items():
            assert ItemBalance.objects.get(business_unit=warehouse, inv_item_id=it.item_code).qty_onhand == qty


def test_seeding_is_idempotent_and_keeps_receipts(conn):
    line = open_lines(conn, catalog.items()[0])[0]
    PeopleSoftClient(conn).create_po_receipt(PoReceipt("SEED-1", (ReceiptLine(line, Decimal("2")),)))
    counts = (PoSchedule.objects.count(), ItemBalance.objects.count())
    seed.seed_demo()
    assert (PoSchedule.objects.count(), ItemBalance.objects.count()) == counts
    assert open_lines(conn, catalog.items()[0])[0].qty_received == line.qty_received + 2


def test_receiver_ids_are_numbered_in_sequence(conn):
    client = PeopleSoftClient(conn)
    line = open_lines(conn, catalog.items()[0])[0]
    first = client.create_po_receipt(PoReceipt("SEQ-1", (ReceiptLine(line, Decimal("1")),)))
    second = client.create_po_receipt(PoReceipt("SEQ-2", (ReceiptLine(line, Decimal("1")),)))
    assert first.receiver_id.isdigit() and len(first.receiver_id) == 10 and int(first.receiver_id) >= 12345
    assert int(second.receiver_id) == int(first.receiver_id) + 1
    assert stats.documents() == {"po_receipts": 2, "received_orders": 2} and stats.duplicate_references() == 0


@pytest.mark.parametrize("change, message", [
    ({"VENDOR_ID": ""}, "BCT_C_PO_RC_EVW.VENDOR_ID: Field is required."),
    ({"BILL_OF_LADING": "X" * 31}, "BILL_OF_LADING: value is longer than 30 characters"),
    ({"VENDOR_ID": "V9999"}, "does not match vendor"),
    ({"TRANSACTION_CODE": "0102"}, "0104"),
])
def test_the_receipt_message_is_validated(conn, change, message):
    line = open_lines(conn, catalog.items()[0])[0]
    with pytest.raises(PermanentError, match=message) as caught:
        http.send(conn, "POST", "PURCHASE_ORDER_RECEIPT.v1", json=receipt_body(line, **change))
    assert caught.value.status == 400
    assert not Receipt.objects.exists()


def test_a_missing_detail_field_is_named(conn):
    line = open_lines(conn, catalog.items()[0])[0]
    body = receipt_body(line)
    del body["BCT_C_PO_RC_EVW"]["BCT_D_PO_RC_EVW"][0]["QTY"]
    with pytest.raises(PermanentError, match="BCT_D_PO_RC_EVW.QTY: Field is required."):
        http.send(conn, "POST", "PURCHASE_ORDER_RECEIPT.v1", json=body)


def test_an_unknown_service_operation_is_not_routed(conn):
    with pytest.raises(PermanentError, match="NO_SUCH_OP.v1 is inactive or has no active routing") as caught:
        http.send(conn, "POST", "NO_SUCH_OP.v1", json={})
    assert caught.value.status == 404


def test_no_credentials_get_a_basic_challenge(conn):
    with pytest.raises(ConfigError) as caught:
        http.send(conn, "GET", QAS, auth=False, params={"maxrows": 1})
    assert caught.value.status == 401


def test_an_oauth2_client_cannot_use_basic(sandbox):
    conn = seed.provision_connection("ps-oauth", sandbox, auth_type="oauth2")
    conn.config = {**conn.config, "auth_type": "basic", "username": conn.config["client_id"]}
    conn.set_secrets(password=conn.secret("client_secret"))
    conn.save()
    with pytest.raises(ConfigError) as caught:
        PeopleSoftClient(conn).inventory_balances("DAL", ["ITM00001"])
    assert caught.value.status == 401


def test_the_token_endpoint_refuses_other_grants(conn):
    with pytest.raises(PermanentError, match="unsupported_grant_type"):
        http.send(conn, "POST", conn.typed_config.base_url + "/oauth2/v1/token", auth=False,
                  data={"grant_type": "password", "username": "x", "password": "y"})


def test_prompt_names_and_values_must_pair(conn):
    with pytest.raises(PermanentError, match="2 prompt names but 1 prompt values"):
        http.send(conn, "GET", QAS + "?maxrows=5&prompt_uniquepromptname=BUSINESS_UNIT,INV_ITEM_ID&prompt_fieldvalue=DAL")


def test_a_missing_prompt_is_named(conn):
    with pytest.raises(PermanentError, match="prompt AFTER_ITEM_ID requires a value"):
        http.send(conn, "GET", QAS + "?maxrows=5&prompt_uniquepromptname=BUSINESS_UNIT,INV_ITEM_ID"
                                     "&prompt_fieldvalue=DAL,%25")


def test_maxrows_zero_returns_every_row(conn):
    result = PeopleSoftClient(conn).execute_query(
        "ML_INV_BALANCES", {"BUSINESS_UNIT": "DAL", "INV_ITEM_ID": "ITM000%", "AFTER_ITEM_ID": ""}, maxrows=0)
    assert [row["INV_ITEM_ID"] for row in result.rows] == [f"ITM{n:05d}" for n in range(1, 100)]


def test_like_prompts_treat_underscore_as_one_character(conn):
    result = PeopleSoftClient(conn).execute_query(
        "ML_INV_BALANCES", {"BUSINESS_UNIT": "RNO", "INV_ITEM_ID": "ITM0001_", "AFTER_ITEM_ID": ""}, maxrows=0)
    assert [row["INV_ITEM_ID"] for row in result.rows] == [f"ITM{n:05d}" for n in range(10, 20)]


def test_only_json_output_is_served(conn):
    with pytest.raises(PermanentError, match="JSON/NONFILE"):
        http.send(conn, "GET", "ExecuteQuery.v1/PUBLIC/ML_INV_BALANCES/XMLP/NONFILE?maxrows=1")


def test_a_receipt_raises_the_receiving_units_balance_creating_it_if_missing(conn):
    line = open_lines(conn, catalog.items()[0])[0]
    # Stock follows receipts into the schedule's inventory unit (BUSINESS_UNIT_IN), not the purchasing unit.
    ItemBalance.objects.filter(business_unit=line.business_unit_in, inv_item_id=line.item).delete()
    PeopleSoftClient(conn).create_po_receipt(PoReceipt("BAL-1", (ReceiptLine(line, Decimal("5")),)))
    balance = ItemBalance.objects.get(business_unit=line.business_unit_in, inv_item_id=line.item)
    assert (balance.qty_onhand, balance.qty_reserved) == (5, 0)
    assert not ItemBalance.objects.filter(business_unit=line.business_unit).exists()
    rows = PeopleSoftClient(conn).inventory_balances(line.business_unit_in, [line.item])
    assert [(b.qty_onhand, b.qty_available) for b in rows] == [(5, 5)]


def test_parts_of_a_split_order_are_references_of_their_own_and_only_a_repeat_is_a_duplicate(conn):
    client = PeopleSoftClient(conn)
    line = open_lines(conn, catalog.items()[0])[0]

    def receive(reference):
        client.create_po_receipt(PoReceipt(reference, (ReceiptLine(line, Decimal("1")),)))

    for reference in ("1088-R-1/2", "1088-R-2/2", "1089-R", "1090-R-1/3"):
        receive(reference)
    assert stats.duplicate_references() == 0
    assert stats.documents() == {"po_receipts": 4, "received_orders": 3}
    receive("1088-R-1/2")  # the same part twice
    receive("1089-R-1/2")  # an order received whole and split
    receive("1090-R-2/2")  # an order split two ways
    assert stats.duplicated() == ["1088-R-1/2", "1089-R", "1090-R"] and stats.duplicate_references() == 3


def test_the_receipts_query_prompt_is_a_like_criterion(conn):
    client = PeopleSoftClient(conn)
    line = open_lines(conn, catalog.items()[0])[0]
    for reference in ("LIKE-1", "LIKE-1-1/2", "LIKE-2"):
        client.create_po_receipt(PoReceipt(reference, (ReceiptLine(line, Decimal("1")),)))

    def query(prompt):
        rows = client.execute_query("ML_PO_RECEIPTS", {"REFERENCE": prompt}, 0).rows
        return sorted(row["BILL_OF_LADING"] for row in rows)

    assert query("LIKE-1") == ["LIKE-1"]  # no wildcard: equality
    assert query("LIKE-1%") == ["LIKE-1", "LIKE-1-1/2"]
    assert query("LIKE-_") == ["LIKE-1", "LIKE-2"]
    assert [r.reference for r in client.find_receipts("LIKE-1")] == ["LIKE-1", "LIKE-1-1/2"]
