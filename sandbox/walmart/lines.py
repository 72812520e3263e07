"""What acknowledge, ship, cancel and refund do to an order's JSON, as Walmart does it.

A line's `orderLineStatuses.orderLineStatus` is a list of (status, quantity) parts: shipping 1 of
3 units splits "Acknowledged 3" into "Acknowledged 2" + "Shipped 1". Line parts move
Created -> Acknowledged -> Shipped, or Created/Acknowledged -> Cancelled. Every function takes the
order dict and changes it in place; a refused request raises Problem (Walmart answers 400 with the
field named), and nothing is changed then because the caller works on a copy. Shipping has its
own module (shipping.py): packages, tracking and PARTIAL_UPDATE.
"""

import uuid
from decimal import Decimal, InvalidOperation

from sandbox.walmart import spec

OPEN = ("Created", "Acknowledged")
# Least advanced first; an order's summary status is the least advanced status of its lines.
RANK = {"Created": 0, "Acknowledged": 1, "Shipped": 2, "Delivered": 3, "Refund": 4, "Cancelled": 5}


class Problem(Exception):
    def __init__(self, field, message, code="INVALID_REQUEST_CONTENT.GMP_ORDER_API"):
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def order_lines(order):
    return ((order.get("orderLines") or {}).get("orderLine")) or []


def parts(line):
    return line.setdefault("orderLineStatuses", {}).setdefault("orderLineStatus", [])


def whole_number(value, field):
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Problem(field, f"{field} must be a whole number, got {value!r}") from None
    if number != number.to_integral_value() or number < 0:
        raise Problem(field, f"{field} must be a whole number, got {value!r}")
    return int(number)


def part_qty(part):
    return whole_number((part.get("statusQuantity") or {}).get("amount", "0"), "statusQuantity.amount")


def unit_of(line):
    return (line.get("orderLineQuantity") or {}).get("unitOfMeasurement", "EACH")


def find_line(order, number, field):
    for line in order_lines(order):
        if str(line.get("lineNumber")) == str(number):
            return line
    raise Problem(field, f"Order line {number} does not exist in purchase order {order.get('purchaseOrderId')}")


def _take(line, quantity, statuses):
    """Remove `quantity` units from the line's parts with one of `statuses` (the later status first)."""
    for part in sorted([p for p in parts(line) if p.get("status") in statuses],
                       key=lambda p: -RANK[p["status"]]):
        if quantity == 0:
            break
        available = part_qty(part)
        used = min(available, quantity)
        part["statusQuantity"]["amount"] = str(available - used)
        quantity -= used
    line["orderLineStatuses"]["orderLineStatus"] = [
        p for p in parts(line) if p.get("status") not in statuses or part_qty(p) > 0
    ]


def take_open(line, quantity):
    """Remove `quantity` not yet shipped or cancelled units from the line (Acknowledged first)."""
    _take(line, quantity, OPEN)


def open_quantity(line):
    return sum(part_qty(p) for p in parts(line) if p.get("status") in OPEN)


def status_quantity(line, status):
    return sum(part_qty(p) for p in parts(line) if p.get("status") == status)


def summary_status(order):
    statuses = [p.get("status") for line in order_lines(order) for p in parts(line) if p.get("status") in RANK]
    return min(statuses, key=RANK.get) if statuses else "Created"


def line_statuses(order):
    return sorted({p.get("status") for line in order_lines(order) for p in parts(line) if p.get("status")})


def acknowledge(order, now_ms):
    """All Created parts become Acknowledged. Idempotent: an acknowledged order stays as it is."""
    changed = False
    for line in order_lines(order):
        for part in parts(line):
            if part.get("status") == "Created":
                part["status"] = "Acknowledged"
                line["statusDate"] = now_ms
                changed = True
    return changed


def ship(order, body, now_ms):
    """Shipment confirmation: see shipping.py (it builds on this module's helpers)."""
    from sandbox.walmart import shipping

    return shipping.ship(order, body, now_ms)


def cancel(order, body, now_ms):
    cancellation = (body or {}).get("orderCancellation")
    if not isinstance(cancellation, dict):
        raise Problem("orderCancellation", "orderCancellation is required", "MISSING_REQUEST_PARAM.GMP_ORDER_API")
    requested = ((cancellation.get("orderLines") or {}).get("orderLine")) or []
    if not requested:
        raise Problem("orderCancellation.orderLines.orderLine", "at least one order line is required")
    cancelled = []
    for i, item in enumerate(requested):
        where = f"orderLines.orderLine[{i}]"
        line = find_line(order, item.get("lineNumber"), f"{where}.lineNumber")
        for j, status in enumerate(((item.get("orderLineStatuses") or {}).get("orderLineStatus")) or []):
            here = f"{where}.orderLineStatuses.orderLineStatus[{j}]"
            if status.get("status") != "Cancelled":
                raise Problem(f"{here}.status", "status must be Cancelled")
            reason = status.get("cancellationReason")
            if reason not in spec.CANCELLATION_REASONS:
                raise Problem(f"{here}.cancellationReason",
                              f"cancellationReason must be one of {', '.join(spec.CANCELLATION_REASONS)}")
            quantity = whole_number((status.get("statusQuantity") or {}).get("amount"), f"{here}.statusQuantity.amount")
            if quantity < 1 or quantity > open_quantity(line):
                # Shipped units are the customer's now: Walmart refunds them, it does not cancel them.
                raise Problem(f"{here}.statusQuantity.amount",
                              f"line {line['lineNumber']}: cannot cancel {quantity}, {open_quantity(line)} open "
                              f"({status_quantity(line, 'Shipped')} already shipped, "
                              f"{status_quantity(line, 'Cancelled')} cancelled)")
            _take(line, quantity, OPEN)
            parts(line).append({"status": "Cancelled", "cancellationReason": reason,
                                "statusQuantity": {"unitOfMeasurement": unit_of(line), "amount": str(quantity)}})
            line["statusDate"] = now_ms
            cancelled.append((line, quantity, reason))
    return cancelled


def _money(value, field):
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise Problem(field, f"{field} must be a number") from None


def _charged(line, charge_type):
    total = Decimal("0")
    for charge in ((line.get("charges") or {}).get("charge")) or []:
        if charge.get("chargeType") == charge_type:
            total += _money((charge.get("chargeAmount") or {}).get("amount", 0), "chargeAmount.amount")
    return total


def _refunded(line, charge_type):
    total = Decimal("0")
    for item in (((line.get("refund") or {}).get("refundCharges") or {}).get("refundCharge")) or []:
        charge = item.get("charge") or {}
        if charge.get("chargeType") == charge_type:
            total += _money((charge.get("chargeAmount") or {}).get("amount", 0), "chargeAmount.amount")
    return total


def refund(order, body, now_ms):
    request = (body or {}).get("orderRefund")
    if not isinstance(request, dict):
        raise Problem("orderRefund", "orderRefund is required", "MISSING_REQUEST_PARAM.GMP_ORDER_API")
    requested = ((request.get("orderLines") or {}).get("orderLine")) or []
    if not requested:
        raise Problem("orderRefund.orderLines.orderLine", "at least one order line is required")
    for i, item in enumerate(requested):
        where = f"orderLines.orderLine[{i}]"
        line = find_line(order, item.get("lineNumber"), f"{where}.lineNumber")
        if status_quantity(line, "Shipped") + status_quantity(line, "Delivered") == 0:
            raise Problem(f"{where}.lineNumber", f"line {line['lineNumber']} is not shipped; only shipped lines "
                          "can be refunded (cancel open lines instead)")
        new_charges = []
        if item.get("isFullRefund"):
            for charge in ((line.get("charges") or {}).get("charge")) or []:
                new_charges.append({"refundReason": "Others", "charge": _negated(charge)})
        for j, refund_ in enumerate(((item.get("refunds") or {}).get("refund")) or []):
            for k, entry in enumerate(((refund_.get("refundCharges") or {}).get("refundCharge")) or []):
                here = f"{where}.refunds.refund[{j}].refundCharges.refundCharge[{k}]"
                if entry.get("refundReason") not in spec.REFUND_REASONS:
                    raise Problem(f"{here}.refundReason", "unknown refundReason")
                charge = entry.get("charge") or {}
                amount = _money((charge.get("chargeAmount") or {}).get("amount"), f"{here}.charge.chargeAmount.amount")
                if amount >= 0:
                    raise Problem(f"{here}.charge.chargeAmount.amount", "refund amounts must be negative")
                tax = ((charge.get("tax") or {}).get("taxAmount") or {}).get("amount")
                if tax is not None and _money(tax, f"{here}.charge.tax.taxAmount.amount") > 0:
                    raise Problem(f"{here}.charge.tax.taxAmount.amount", "refund tax amounts must be negative or zero")
                new_charges.append(entry)
            if refund_.get("refundComments"):
                line.setdefault("refund", {})["refundComments"] = refund_["refundComments"]
        if not new_charges:
            raise Problem(f"{where}.refunds", "no refund charges given")
        target = line.setdefault("refund", {})
        target.setdefault("refundId", uuid.uuid4().hex[:16])
        target.setdefault("refundCharges", {}).setdefault("refundCharge", []).extend(new_charges)
        for charge_type in ("PRODUCT", "SHIPPING"):
            if -_refunded(line, charge_type) > _charged(line, charge_type):
                raise Problem(f"{where}.refunds", f"refunds of {charge_type} exceed the amount charged on line "
                              f"{line['lineNumber']}")
        line["statusDate"] = now_ms


def _negated(charge):
    negated = {"chargeType": charge.get("chargeType"), "chargeName": charge.get("chargeName"),
               "chargeAmount": {**charge.get("chargeAmount", {}),
                                "amount": spec.money(-_money(charge["chargeAmount"]["amount"], "amount"))}}
    if charge.get("tax"):
        tax = charge["tax"]
        negated["tax"] = {"taxName": tax.get("taxName"), "taxAmount": {
            **tax.get("taxAmount", {}), "amount": spec.money(-_money(tax["taxAmount"]["amount"], "amount"))}}
    return negated
