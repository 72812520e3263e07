"""Every Walmart return sample normalises without loss; later versions update the same row; returns
link to their original order, or wait for it and are linked when it arrives."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from audit.models import AuditEvent
from syncs.models import MarketplaceReturn, ReturnCharge
from syncs.returns.normalise import link_waiting, store
from syncs.returns.parse import ReturnShapeError, parse_return, parse_returns
from tests.syncs.orderkit import add_order

# Copies of Walmart's samples and spec examples (shared/walmart/), kept with the contract tests.
EXAMPLES = Path(settings.BASE_DIR) / "tests" / "contract" / "walmart" / "examples"
S = MarketplaceReturn.Status


def sample_returns():
    """(file name, return JSON) for every return order in Walmart's samples and spec examples."""
    found = []
    for path in sorted(EXAMPLES.glob("*.json")):
        if "return" not in path.name or "_req" in path.name or "request" in path.name or "refund" in path.name:
            continue
        body = json.loads(path.read_text())
        found += [(f"{path.name}#{i}", ret) for i, ret in enumerate(body.get("returnOrders") or [])]
    return found


SAMPLES = sample_returns()
# The spec example returns one unit, and its per-unit charges match its chargeTotals; the captured sample
# says 3 units with the same one-unit chargeTotals (Walmart's totals win, see syncs.returns.parse).
SAMPLE = next(ret for name, ret in SAMPLES if name.startswith("returns__GET"))
PO = SAMPLE["returnOrderLines"][0]["purchaseOrderId"]


def dec(value):
    return Decimal(str(value))


def raw_total(ret):
    """Independently of the parser: Walmart's lineTotal of every line, added up."""
    return sum((dec(total["value"]["currencyAmount"]) for line in ret["returnOrderLines"]
                for total in line["chargeTotals"] if total["name"] == "lineTotal"), Decimal("0"))


def test_there_are_samples():
    assert len(SAMPLES) >= 2, [name for name, _ in SAMPLES]


@pytest.mark.parametrize("name,ret", SAMPLES, ids=[name for name, _ in SAMPLES])
def test_every_sample_normalises_and_refunds_add_up(integration, name, ret):
    stored, created = store(integration, {"returnOrders": [ret]})
    assert created and stored.complete
    assert raw_total(ret) == dec(ret["totalRefundAmount"]["currencyAmount"])
    assert stored.total_refund_amount == raw_total(ret)
    assert sum(line.line_total for line in stored.lines.all()) == stored.total_refund_amount
    assert stored.currency == ret["totalRefundAmount"]["currencyUnit"]
    assert stored.customer_order_id == ret["customerOrderId"]
    assert stored.return_order_date.isoformat() == ret["returnOrderDate"].replace(".000Z", "+00:00")
    assert stored.lines.count() == len(ret["returnOrderLines"])
    for raw in ret["returnOrderLines"]:
        line = stored.lines.get(line_number=str(raw["returnOrderLineNumber"]))
        assert (line.sku, line.return_reason, line.status) == (raw["item"]["sku"], raw["returnReason"], raw["status"])
        assert line.quantity == dec(raw["quantity"]["measurementValue"])
        assert (line.purchase_order_id, line.purchase_order_line_number) == (
            raw["purchaseOrderId"], str(raw["purchaseOrderLineNumber"]))
        assert line.tracking[0]["tracking_number"] == ret["returnLineGroups"][0]["labels"][0]["carrierInfoList"][0]["trackingNo"]
        assert [e["event"] for e in line.tracking_events] == ["RETURN_INITIATED", "RETURN_IN_TRANSIT"]
        for charge, raw_charge in zip(line.charges.all(), raw["charges"]):
            assert charge.amount_per_unit == dec(raw_charge["chargePerUnit"]["currencyAmount"])
            assert charge.tax_per_unit == dec(raw_charge["tax"][0]["taxPerUnit"]["currencyAmount"])
            assert charge.amount == charge.amount_per_unit * line.quantity
    assert stored.raw == ret
    # Nothing we hold is its order yet.
    assert stored.status == S.WAITING_FOR_ORDER and stored.order is None


def test_one_unit_charges_add_up_to_the_refund(integration):
    stored, _ = store(integration, SAMPLE)
    charges = ReturnCharge.objects.filter(line__marketplace_return=stored)
    assert sum(c.amount + c.tax_amount for c in charges) == stored.total_refund_amount == Decimal("127.45")


def test_a_line_without_charge_totals_is_computed_from_its_charges(integration):
    ret = copy.deepcopy(SAMPLE)
    del ret["totalRefundAmount"]
    line = ret["returnOrderLines"][0]
    del line["chargeTotals"]
    line["quantity"]["measurementValue"] = 2
    line["charges"].append({"chargeCategory": "PRODUCT", "chargeName": "Coupon", "isDiscount": True, "isBillable": True,
                            "chargePerUnit": {"currencyAmount": 5, "currencyUnit": "USD"}, "tax": []})
    line["charges"].append({"chargeCategory": "FEE", "chargeName": "Handling", "isBillable": False,
                            "chargePerUnit": {"currencyAmount": 3, "currencyUnit": "USD"}, "tax": []})
    stored, _ = store(integration, ret)
    stored_line = stored.lines.get()
    # 2 x (119.95 + 7.50 tax) - 2 x 5.00 coupon; the handling fee is not billable.
    assert stored_line.line_total == Decimal("244.90") == stored.total_refund_amount
    assert stored_line.product_amount == Decimal("229.90") and stored_line.tax_amount == Decimal("15.00")
    assert stored_line.charges.get(charge_name="Coupon").amount == Decimal("-10.00")


def notification(*items):
    return {"source": {"eventType": "RETURN_CREATED", "eventTime": "2026-11-29T10:00:00Z", "eventId": "e1"},
            "payload": {"partnerId": "1", "returnOrders": list(items)}}


ITEM = {"returnOrderId": "R1", "customerOrderId": "C1", "purchaseOrderId": "P1", "returnOrderLineNumber": 1,
        "sku": "A", "productName": "A thing", "returnReason": "DAMAGED", "returnOrderDate": "2026-11-29T09:00:00Z"}


@pytest.mark.parametrize("shape", [
    notification(ITEM), notification(ITEM)["payload"], ITEM, [ITEM],
    notification(ITEM, dict(ITEM, returnOrderLineNumber=2, sku="B", purchaseOrderId="P2")),
    notification({"returnOrderId": "R1", "customerOrderId": "C1"}),
], ids=["envelope", "payload", "item", "list", "one-item-per-line", "whole-return"])
def test_every_notification_shape_reads_as_a_thin_return(shape):
    parsed = parse_return(shape)
    assert parsed.return_order_id == "R1" and not parsed.complete
    assert parsed.values["customer_order_id"] == "C1"
    assert all(line.quantity == 0 and line.line_total == 0 for line in parsed.lines)


def test_notification_items_of_one_return_become_its_lines():
    parsed = parse_return(notification(ITEM, dict(ITEM, returnOrderLineNumber=2, sku="B", purchaseOrderId="P2")))
    assert [(line.line_number, line.sku) for line in parsed.lines] == [("1", "A"), ("2", "B")]
    assert parsed.purchase_order_ids == ["P1", "P2"]


def test_a_list_body_yields_every_return_and_one_is_picked_by_id():
    body = {"meta": {}, "returnOrders": [SAMPLE, dict(copy.deepcopy(SAMPLE), returnOrderId="999")]}
    assert [r.return_order_id for r in parse_returns(body)] == [SAMPLE["returnOrderId"], "999"]
    assert parse_return(body, "999").return_order_id == "999"
    with pytest.raises(ReturnShapeError, match="say which"):
        parse_return(body)


def test_a_later_version_updates_the_same_return_and_is_audited(integration):
    first, created = store(integration, SAMPLE)
    later = copy.deepcopy(SAMPLE)
    later["returnOrderLines"][0]["currentRefundStatus"] = "REFUNDED"
    again, created_again = store(integration, later)
    assert created and not created_again and again.pk == first.pk
    assert MarketplaceReturn.objects.count() == 1 and again.lines.count() == 1
    assert again.refund_status == "REFUNDED" and ReturnCharge.objects.count() == 1
    event = AuditEvent.objects.get(action="return.updated")
    assert "NOT_REFUNDED -> COMPLETED/REFUNDED" in event.message and event.object_id == SAMPLE["returnOrderId"]
    store(integration, later)
    assert AuditEvent.objects.filter(action="return.updated").count() == 1  # nothing changed, nothing audited


def test_a_late_notification_does_not_erase_the_rest_copy(integration):
    stored, _ = store(integration, SAMPLE)
    thin = notification(dict(ITEM, returnOrderId=SAMPLE["returnOrderId"]))
    again, created = store(integration, thin)
    assert not created and again.complete and again.total_refund_amount == stored.total_refund_amount
    assert again.lines.get().sku == SAMPLE["returnOrderLines"][0]["item"]["sku"]


def test_a_thin_return_is_completed_by_the_rest_copy(integration):
    thin, _ = store(integration, notification(dict(ITEM, returnOrderId=SAMPLE["returnOrderId"], purchaseOrderId=PO)))
    assert not thin.complete and thin.total_refund_amount == 0
    full, created = store(integration, SAMPLE)
    assert not created and full.pk == thin.pk and full.complete and full.total_refund_amount == Decimal("127.45")


def test_a_return_of_an_order_we_hold_is_linked_at_once(integration):
    order = add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    stored, _ = store(integration, SAMPLE)
    assert stored.order == order and stored.status == S.PENDING and not stored.is_wfs
    assert stored.lines.get().order_line == order.lines.get(line_number="1")
    assert list(order.returns.all()) == [stored]


def test_a_return_waits_for_its_order_and_is_linked_when_it_arrives(integration):
    stored, _ = store(integration, SAMPLE)
    assert stored.status == S.WAITING_FOR_ORDER
    assert link_waiting(integration) == 0
    order = add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    assert link_waiting(integration) == 1
    stored.refresh_from_db()
    assert stored.order == order and stored.status == S.PENDING
    assert stored.lines.get().order_line.order == order
    event = AuditEvent.objects.get(action="return.updated")
    assert event.message == f"linked to PO {PO} (pending)"
    assert link_waiting(integration) == 0


def test_returns_whose_orders_never_come_do_not_crowd_out_the_others(integration):
    for rma, po in (("R-1", "NEVER-1"), ("R-2", "NEVER-2"), ("R-3", PO)):
        ret = copy.deepcopy(SAMPLE)
        ret["returnOrderId"], ret["returnOrderLines"][0]["purchaseOrderId"] = rma, po
        store(integration, ret)
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    assert link_waiting(integration, batch=1) == 1
    assert dict(MarketplaceReturn.objects.values_list("return_order_id", "status")) == {
        "R-1": S.WAITING_FOR_ORDER, "R-2": S.WAITING_FOR_ORDER, "R-3": S.PENDING}


def test_a_later_version_links_a_waiting_return_too(integration):
    store(integration, SAMPLE)
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    again, _ = store(integration, SAMPLE)
    assert again.status == S.PENDING and again.order.purchase_order_id == PO


def test_a_return_spanning_two_pos_waits_for_both(integration):
    ret = copy.deepcopy(SAMPLE)
    second = dict(copy.deepcopy(ret["returnOrderLines"][0]), returnOrderLineNumber=2, purchaseOrderId="PO-2")
    ret["returnOrderLines"].append(second)
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    stored, _ = store(integration, ret)
    assert stored.status == S.WAITING_FOR_ORDER and stored.purchase_order_ids == [PO, "PO-2"]
    add_order(integration, "PO-2", [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    assert link_waiting(integration) == 1
    stored.refresh_from_db()
    assert stored.status == S.PENDING and stored.order.purchase_order_id == PO
    assert {line.order_line.order.purchase_order_id for line in stored.lines.all()} == {PO, "PO-2"}


def test_the_return_of_a_walmart_fulfilled_order_is_read_only(integration):
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)], node_type="WFSFulfilled")
    stored, _ = store(integration, SAMPLE)
    assert stored.status == S.READ_ONLY and stored.is_wfs


def test_a_return_cancelled_on_walmart_ends(integration):
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    store(integration, SAMPLE)
    later = copy.deepcopy(SAMPLE)
    later["returnOrderLines"][0]["returnTrackingDetail"].append(
        {"sequenceNo": 2, "eventTag": "RETURN_CANCELLED", "eventTime": "2019-02-24T00:00:00.000Z"})
    stored, _ = store(integration, later)
    assert stored.status == S.CANCELLED
    assert "every line cancelled on Walmart" in AuditEvent.objects.get(action="return.updated").message


def test_a_return_first_seen_cancelled_is_cancelled(integration):
    ret = copy.deepcopy(SAMPLE)
    ret["returnOrderLines"][0]["returnTrackingDetail"].append({"sequenceNo": 2, "eventTag": "RETURN_CANCELLED"})
    stored, created = store(integration, ret)
    assert created and stored.status == S.CANCELLED
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    assert link_waiting(integration) == 0  # a cancelled return waits for nothing


def test_a_new_version_never_moves_a_posted_return(integration):
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    stored, _ = store(integration, SAMPLE)
    MarketplaceReturn.objects.filter(pk=stored.pk).update(status=S.POSTED, erp_document_number="CN-1")
    later = copy.deepcopy(SAMPLE)
    later["returnOrderLines"][0]["returnTrackingDetail"].append({"sequenceNo": 2, "eventTag": "RETURN_CANCELLED"})
    again, _ = store(integration, later)
    assert again.status == S.POSTED and MarketplaceReturn.objects.get().erp_document_number == "CN-1"


def test_normalising_costs_a_fixed_number_of_queries(integration, django_assert_max_num_queries):
    big = copy.deepcopy(SAMPLE)
    template = big["returnOrderLines"][0]
    big["returnOrderLines"] = [dict(copy.deepcopy(template), returnOrderLineNumber=n) for n in range(1, 41)]
    add_order(integration, PO, [("ANTL_GDL-0700", 1, "119.95", "7.50", 0)])
    with django_assert_max_num_queries(12):
        store(integration, big)
    with django_assert_max_num_queries(14):
        store(integration, big)


LINE = {"returnOrderLineNumber": 1, "item": {"sku": "A"}, "quantity": {"measurementValue": 1}}


@pytest.mark.parametrize("bad,reason", [
    ("nonsense", "expected a JSON object"),
    ({}, "returnOrderId is missing"),
    ({"returnOrders": []}, "no return orders"),
    ({"returnOrderId": "R", "returnOrderLines": []}, "has no lines"),
    ({"returnOrderId": "R", "returnOrderLines": [{"returnOrderLineNumber": 1, "quantity": {"measurementValue": 1}}]},
     "has no SKU"),
    ({"returnOrderId": "R", "returnOrderLines": [{"returnOrderLineNumber": 1, "item": {"sku": "A"}}]}, "has no quantity"),
    ({"returnOrderId": "R", "returnOrderLines": [LINE, LINE]}, "its own returnOrderLineNumber"),
    ({"returnOrderId": "R", "returnOrderDate": "last tuesday", "returnOrderLines": [LINE]}, "neither epoch"),
    ({"returnOrderId": "R", "totalRefundAmount": {"currencyAmount": "lots"}, "returnOrderLines": [LINE]}, "not a number"),
])
def test_unreadable_returns_say_why(bad, reason):
    with pytest.raises(ReturnShapeError if reason not in ("neither epoch", "not a number") else ValueError, match=reason):
        parse_return(bad)
