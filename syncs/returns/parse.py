"""Walmart return JSON -> plain dataclasses (no database): every shape the API and webhooks use.

Shapes: an element of GET /v3/returns `returnOrders[]` (also the whole list body, or a bare return),
and the RETURN_* notifications — the envelope, its `payload`, or one `payload.returnOrders[]` item.
Notification items are thin (one per return line: ids, SKU, reason, no amounts); they are grouped
per returnOrderId and marked incomplete, so a later REST copy fills them in.

Amounts: Walmart gives per-unit charges and, per line, `chargeTotals` (lineSubTotal, lineTotalTaxes,
lineTotal...). The line totals are Walmart's own refund arithmetic, so they win; without them the
line is computed from the charges (per unit x quantity + excess, discounts subtracted, charges that
are not billable left out). Money, quantities and dates use the order parser's helpers.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from syncs.orders.parse import OrderShapeError, money, quantity, when

ZERO = Decimal("0")
# chargeTotals name -> ReturnLine column
TOTALS = {"lineUnitPrice": "unit_price", "lineSubTotal": "product_amount", "lineProductTaxes": "product_tax",
          "lineShippingFee": "shipping_amount", "lineRestockingFee": "restocking_fee", "lineTotalTaxes": "tax_amount",
          "lineTotal": "line_total"}


class ReturnShapeError(OrderShapeError):
    """The JSON is not a Walmart return we can read; the message says what is missing."""


@dataclass
class Charge:
    charge_category: str
    charge_name: str
    currency: str
    amount_per_unit: Decimal
    tax_per_unit: Decimal
    amount: Decimal
    tax_amount: Decimal
    tax_name: str
    is_discount: bool
    is_billable: bool


@dataclass
class Line:
    line_number: str
    purchase_order_id: str
    purchase_order_line_number: str
    sales_order_line_number: str
    seller_order_id: str
    sku: str
    product_name: str
    condition: str
    quantity: Decimal
    unit_of_measure: str
    refunded_quantity: Decimal
    return_reason: str
    cancellation_reason: str
    status: str
    status_time: datetime | None
    delivery_status: str
    refund_status: str
    refund_channel: str
    currency: str
    unit_price: Decimal
    product_amount: Decimal
    product_tax: Decimal
    shipping_amount: Decimal
    restocking_fee: Decimal
    tax_amount: Decimal
    line_total: Decimal
    tracking: list
    tracking_events: list
    last_event: str
    charges: list = field(default_factory=list)


@dataclass
class Return:
    return_order_id: str
    values: dict  # MarketplaceReturn column values
    lines: list
    complete: bool
    raw: dict

    @property
    def purchase_order_ids(self):
        return self.values["purchase_order_ids"]


def _amount(node):
    """Walmart's Money {currencyAmount, currencyUnit} -> (Decimal, currency)."""
    node = node if isinstance(node, dict) else {}
    return money(node.get("currencyAmount")), str(node.get("currencyUnit") or "")


def _objects(value):
    """The dicts of a JSON list (Walmart's optional arrays; anything else in them is ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value, limit=None):
    text = "" if value is None else str(value)
    return text[:limit] if limit else text


def _one(values):
    """The lines' common value, "Mixed" when they differ, "" when none has one."""
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else ("Mixed" if distinct else "")


def _charge(raw, qty):
    if not isinstance(raw, dict):
        raise ReturnShapeError("a return line charge is not an object")
    per_unit, currency = _amount(raw.get("chargePerUnit"))
    excess, _ = _amount(raw.get("excessCharge"))
    taxes = _objects(raw.get("tax"))
    tax_per_unit = sum((_amount(t.get("taxPerUnit"))[0] for t in taxes), ZERO)
    excess_tax = sum((_amount(t.get("excessTax"))[0] for t in taxes), ZERO)
    discount = bool(raw.get("isDiscount"))
    sign = -1 if discount else 1
    return Charge(
        charge_category=_text(raw.get("chargeCategory")).upper(), charge_name=_text(raw.get("chargeName"), 50),
        currency=currency, amount_per_unit=per_unit, tax_per_unit=tax_per_unit,
        amount=sign * abs(money(per_unit * qty + excess)), tax_amount=sign * abs(money(tax_per_unit * qty + excess_tax)),
        tax_name=_text(taxes[0].get("taxName") if taxes else "", 50),
        is_discount=discount, is_billable=raw.get("isBillable") is not False,
    )


def _computed_totals(charges):
    """Line totals from the charges, for a line that came without Walmart's chargeTotals."""
    billable = [c for c in charges if c.is_billable]  # Walmart: a charge that is not billable is not refunded
    added = lambda values: sum(values, ZERO)
    product = [c for c in billable if c.charge_category == "PRODUCT"]
    tax = added(c.tax_amount for c in billable)
    return {"product_amount": added(c.amount for c in product), "product_tax": added(c.tax_amount for c in product),
            "shipping_amount": added(c.amount for c in billable if c.charge_category == "SHIPPING"),
            "tax_amount": tax, "line_total": added(c.amount for c in billable) + tax}


def _tracking(groups):
    """returnLineGroups -> {returnOrderLineNumber: [label...]} (labels belong to groups of lines)."""
    by_line = {}
    for group in groups or []:
        if not isinstance(group, dict):
            continue
        labels = []
        for label in _objects(group.get("labels")):
            for carrier in _objects(label.get("carrierInfoList")) or [{}]:
                labels.append({"carrier": _text(carrier.get("carrierName")), "service": _text(carrier.get("serviceType")),
                               "tracking_number": _text(carrier.get("trackingNo")),
                               "label_url": _text(label.get("labelImageURL"))})
        for member in _objects(group.get("returnLines")):
            by_line.setdefault(_text(member.get("returnOrderLineNumber")), []).extend(labels)
    return by_line


def _events(raw):
    events = sorted(_objects(raw.get("returnTrackingDetail")), key=lambda e: quantity(e.get("sequenceNo")))
    return [{"sequence": e.get("sequenceNo"), "event": _text(e.get("eventTag")),
             "description": _text(e.get("eventDescription")), "time": _text(e.get("eventTime"))} for e in events]


def _line(raw, labels, return_order_id):
    if not isinstance(raw, dict):
        raise ReturnShapeError(f"return {return_order_id}: a line is not an object")
    item = raw.get("item") if isinstance(raw.get("item"), dict) else {}
    number = _text(raw.get("returnOrderLineNumber"))
    sku = item.get("sku") or raw.get("sku")
    if not sku:
        raise ReturnShapeError(f"return {return_order_id} line {number or '?'} has no SKU")
    qty_node = raw.get("quantity")
    if not isinstance(qty_node, dict) or qty_node.get("measurementValue") in (None, ""):
        raise ReturnShapeError(f"return {return_order_id} line {number or '?'} has no quantity")
    qty = quantity(qty_node["measurementValue"])
    charges = [_charge(c, qty) for c in raw.get("charges") or []]  # a non-object charge is an error, not skipped
    totals = {name: ZERO for name in TOTALS.values()}
    given = {TOTALS[t.get("name")]: _amount(t.get("value")) for t in _objects(raw.get("chargeTotals"))
             if t.get("name") in TOTALS}
    if "line_total" not in given:
        totals.update(_computed_totals(charges))
    totals.update({column: amount for column, (amount, _) in given.items()})
    if not totals["unit_price"]:
        totals["unit_price"] = _amount(raw.get("unitPrice"))[0]
    events = _events(raw)
    currencies = [c.currency for c in charges] + [unit for _, unit in given.values()] + [_amount(raw.get("unitPrice"))[1]]
    currency = next((c for c in currencies if c), "")
    return Line(
        line_number=number, purchase_order_id=_text(raw.get("purchaseOrderId")),
        purchase_order_line_number=_text(raw.get("purchaseOrderLineNumber")),
        sales_order_line_number=_text(raw.get("salesOrderLineNumber")), seller_order_id=_text(raw.get("sellerOrderId"), 50),
        sku=_text(sku, 100), product_name=_text(item.get("productName") or raw.get("productName"), 300),
        condition=_text(item.get("condition"), 50), quantity=qty,
        unit_of_measure=_text(qty_node.get("unitOfMeasure") or qty_node.get("unitOfMeasurement"), 20),
        refunded_quantity=quantity(raw.get("refundedQty")), return_reason=_text(raw.get("returnReason"), 50),
        cancellation_reason=_text(raw.get("returnCancellationReason"), 200), status=_text(raw.get("status"), 20),
        status_time=when(raw.get("statusTime")), delivery_status=_text(raw.get("currentDeliveryStatus"), 30),
        refund_status=_text(raw.get("currentRefundStatus"), 30), refund_channel=_text(raw.get("refundChannel"), 40),
        currency=currency[:3], **totals, tracking=labels.get(number, []), tracking_events=events,
        last_event=events[-1]["event"][:40] if events else "", charges=charges,
    )


def _values(ret, lines, total, currency):
    pos = list(dict.fromkeys(line.purchase_order_id for line in lines if line.purchase_order_id))
    channel = ret.get("returnChannel")
    return {
        "customer_order_id": _text(ret.get("customerOrderId"), 50),
        "purchase_order_id": pos[0] if pos else "", "purchase_order_ids": pos,
        "return_type": _text(ret.get("returnType"), 20),
        "replacement_customer_order_id": _text(ret.get("replacementCustomerOrderId"), 50),
        "return_order_date": when(ret.get("returnOrderDate")), "return_by_date": when(ret.get("returnByDate")),
        "refund_mode": _text(ret.get("refundMode"), 30), "refund_channel": _one(l.refund_channel for l in lines),
        "return_channel": _text(channel.get("channelName") if isinstance(channel, dict) else channel, 30),
        "walmart_status": _one(l.status for l in lines), "refund_status": _one(l.refund_status for l in lines),
        "currency": (currency or next((l.currency for l in lines if l.currency), ""))[:3],
        "total_refund_amount": total,
    }


def _full(ret):
    rid = _text(ret["returnOrderId"])
    labels = _tracking(ret.get("returnLineGroups"))
    lines = [_line(raw, labels, rid) for raw in ret.get("returnOrderLines") or []]
    if not lines:
        raise ReturnShapeError(f"return {rid} has no lines")
    numbers = [line.line_number for line in lines]
    if "" in numbers or len(set(numbers)) != len(numbers):
        raise ReturnShapeError(f"return {rid}: every line needs its own returnOrderLineNumber")
    total, currency = _amount(ret.get("totalRefundAmount"))
    if not ret.get("totalRefundAmount"):
        total = sum((line.line_total for line in lines), ZERO)
    return Return(return_order_id=rid, values=_values(ret, lines, total, currency), lines=lines, complete=True, raw=ret)


def _thin(rid, items):
    """Notification items of one return (one per line, or one for the whole return) -> an incomplete Return."""
    lines = []
    for item in items:
        if item.get("returnOrderLineNumber") in (None, "") or not item.get("sku"):
            continue  # the return as a whole: its lines come with the REST copy
        lines.append(_line({"returnOrderLineNumber": item["returnOrderLineNumber"], "sku": item["sku"],
                            "productName": item.get("productName"), "purchaseOrderId": item.get("purchaseOrderId"),
                            "returnReason": item.get("returnReason"),
                            "quantity": {"measurementValue": 0}}, {}, rid))
    first = items[0]
    pos = [_text(i.get("purchaseOrderId")) for i in items if i.get("purchaseOrderId")]
    values = _values(first, lines, ZERO, "")
    if pos and not values["purchase_order_ids"]:
        values["purchase_order_id"], values["purchase_order_ids"] = pos[0], list(dict.fromkeys(pos))
    raw = {"returnOrderId": rid, "notification": items}
    return Return(return_order_id=rid, values=values, lines=lines, complete=False, raw=raw)


def _candidates(data):
    """(kind, return JSON) for every return in `data`; kind is "full" or "thin" (a notification item)."""
    if isinstance(data, list):
        return [found for item in data for found in _candidates(item)]
    if not isinstance(data, dict):
        raise ReturnShapeError("not a Walmart return: expected a JSON object")
    if isinstance(data.get("payload"), dict):  # the notification envelope
        return _candidates(data["payload"])
    if isinstance(data.get("returnOrder"), dict):
        return _candidates(data["returnOrder"])
    if isinstance(data.get("returnOrders"), list):
        return [found for item in data["returnOrders"] for found in _candidates(item)]
    if not data.get("returnOrderId"):
        raise ReturnShapeError("not a Walmart return: returnOrderId is missing")
    return [("full" if "returnOrderLines" in data else "thin", data)]


def parse_returns(data):
    """Every return in `data` (any shape) -> [Return], notification items grouped per returnOrderId."""
    full, thin = [], {}
    for kind, ret in _candidates(data):
        if kind == "full":
            full.append(_full(ret))
        else:
            thin.setdefault(_text(ret["returnOrderId"]), []).append(ret)
    return full + [_thin(rid, items) for rid, items in thin.items()]


def parse_return(data, return_order_id=None):
    """The one return in `data` (or the one with `return_order_id`) -> Return. Raises ReturnShapeError."""
    found = parse_returns(data)
    if return_order_id is not None:
        found = [r for r in found if r.return_order_id == str(return_order_id)]
        if not found:
            raise ReturnShapeError(f"return {return_order_id} is not in this payload")
    if not found:
        raise ReturnShapeError("not a Walmart return: no return orders in this payload")
    if len(found) > 1:
        raise ReturnShapeError(f"{len(found)} returns in this payload; say which returnOrderId to read")
    return found[0]
