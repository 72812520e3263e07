"""POST /v3/orders/{purchaseOrderId}/shipping as Walmart does it (orders.json `OrderShipment`,
walmart-api.md §2.5).

Each requested status entry is one package: its units leave the line's open quantity and become a
"Shipped" part that keeps the package's trackingInfo (and returnCenterAddress), so a line of 3
shipped 1 reads "Acknowledged 2" + "Shipped 1", and two packages for one line are two Shipped
parts. Shipping a line also acknowledges what is left of it: Walmart treats a shipment as the
seller's acceptance, and lines move Created -> Acknowledged -> Shipped, never back.

Refused, with the field named (Walmart's 400): more units than are neither shipped nor cancelled,
a cancelled line, a missing or over-long sellerOrderId (required since the Dec 2024 spec), an
otherCarrier without trackingURL, a carrier or method outside Walmart's enums. processMode
PARTIAL_UPDATE ships nothing: it replaces the tracking of a package already shipped.
"""

from sandbox.walmart import spec
from sandbox.walmart.lines import (OPEN, Problem, find_line, open_quantity, order_lines, part_qty, parts,
                                   status_quantity, unit_of, whole_number)

MISSING = "MISSING_REQUEST_PARAM.GMP_ORDER_API"
SELLER_ORDER_ID_MAX = 30


def ship(order, body, now_ms):
    shipment = (body or {}).get("orderShipment")
    if not isinstance(shipment, dict):
        raise Problem("orderShipment", "orderShipment is required", MISSING)
    requested = ((shipment.get("orderLines") or {}).get("orderLine")) or []
    if not requested:
        raise Problem("orderShipment.orderLines.orderLine", "at least one order line is required")
    partial_update = shipment.get("processMode") == "PARTIAL_UPDATE"
    for i, item in enumerate(requested):
        where = f"orderLines.orderLine[{i}]"
        line = find_line(order, item.get("lineNumber"), f"{where}.lineNumber")
        seller_order_id = item.get("sellerOrderId")
        if not seller_order_id:
            raise Problem(f"{where}.sellerOrderId", "sellerOrderId is required", MISSING)
        if len(str(seller_order_id)) > SELLER_ORDER_ID_MAX:
            raise Problem(f"{where}.sellerOrderId", f"sellerOrderId is limited to {SELLER_ORDER_ID_MAX} characters")
        statuses = ((item.get("orderLineStatuses") or {}).get("orderLineStatus")) or []
        if not statuses:
            raise Problem(f"{where}.orderLineStatuses", "orderLineStatus is required")
        for j, status in enumerate(statuses):
            here = f"{where}.orderLineStatuses.orderLineStatus[{j}]"
            if status.get("status") != "Shipped":
                raise Problem(f"{here}.status", "status must be Shipped")
            quantity = whole_number((status.get("statusQuantity") or {}).get("amount"), f"{here}.statusQuantity.amount")
            tracking = tracking_info(status.get("trackingInfo"), f"{here}.trackingInfo")
            if partial_update:
                _update_tracking(line, quantity, tracking, where, here)
            else:
                _ship_units(line, quantity, tracking, status, where, here)
        line["sellerOrderId"] = str(seller_order_id)
        line["statusDate"] = now_ms


def _ship_units(line, quantity, tracking, status, where, here):
    number = line["lineNumber"]
    if quantity < 1:
        raise Problem(f"{here}.statusQuantity.amount", "quantity must be at least 1")
    available = open_quantity(line)
    if available == 0 and status_quantity(line, "Cancelled"):
        raise Problem(f"{where}.lineNumber", f"line {number} is cancelled; a cancelled line cannot be shipped")
    if quantity > available:
        raise Problem(f"{here}.statusQuantity.amount",
                      f"line {number}: cannot ship {quantity}, only {available} ordered and not yet shipped or "
                      f"cancelled ({status_quantity(line, 'Shipped')} shipped, "
                      f"{status_quantity(line, 'Cancelled')} cancelled)")
    _acknowledge_line(line)
    acknowledged = next(p for p in parts(line) if p.get("status") == "Acknowledged")
    acknowledged["statusQuantity"]["amount"] = str(part_qty(acknowledged) - quantity)
    if part_qty(acknowledged) == 0:
        parts(line).remove(acknowledged)
    package = {"status": "Shipped", "statusQuantity": {"unitOfMeasurement": unit_of(line), "amount": str(quantity)},
               "trackingInfo": tracking}
    if status.get("returnCenterAddress"):
        package["returnCenterAddress"] = status["returnCenterAddress"]
    parts(line).append(package)


def _acknowledge_line(line):
    """Merge the line's open parts (Created and Acknowledged) into one Acknowledged part, in place."""
    open_parts = [p for p in parts(line) if p.get("status") in OPEN]
    keep = next((p for p in open_parts if p["status"] == "Acknowledged"), open_parts[0])
    total = sum(part_qty(p) for p in open_parts)
    keep["status"] = "Acknowledged"
    keep.setdefault("statusQuantity", {"unitOfMeasurement": unit_of(line)})["amount"] = str(total)
    line["orderLineStatuses"]["orderLineStatus"] = [p for p in parts(line) if p is keep or p not in open_parts]


def _update_tracking(line, quantity, tracking, where, here):
    """PARTIAL_UPDATE: the package is the Shipped part with this trackingNumber (a corrected carrier,
    URL or date), else the line's only package (a corrected number), else the only package of this
    quantity. Nothing is shipped, so the quantity never moves."""
    shipped = [p for p in parts(line) if p.get("status") == "Shipped"]
    if not shipped:
        raise Problem(f"{where}.lineNumber", f"line {line['lineNumber']} is not shipped; PARTIAL_UPDATE only updates "
                      "tracking of shipped lines")
    same_number = [p for p in shipped if (p.get("trackingInfo") or {}).get("trackingNumber") == tracking["trackingNumber"]]
    same_quantity = [p for p in shipped if part_qty(p) == quantity]
    if same_number:
        target = same_number[0]
    elif len(shipped) == 1:
        target = shipped[0]
    elif len(same_quantity) == 1:
        target = same_quantity[0]
    else:
        raise Problem(f"{here}.trackingInfo.trackingNumber",
                      f"line {line['lineNumber']} was shipped in {len(shipped)} packages; name the package to update "
                      "by its trackingNumber")
    target["trackingInfo"] = tracking


def tracking_info(info, field):
    if not isinstance(info, dict):
        raise Problem(field, "trackingInfo is required", MISSING)
    for key in ("shipDateTime", "carrierName", "methodCode", "trackingNumber"):
        if info.get(key) in (None, "", {}):
            raise Problem(f"{field}.{key}", f"{key} is required", MISSING)
    if not isinstance(info["shipDateTime"], int):
        raise Problem(f"{field}.shipDateTime", "shipDateTime must be epoch milliseconds")
    if info["methodCode"] not in spec.METHOD_CODES:
        raise Problem(f"{field}.methodCode", f"methodCode must be one of {', '.join(spec.METHOD_CODES)}")
    carrier = info["carrierName"]
    if not isinstance(carrier, dict):
        raise Problem(f"{field}.carrierName", "carrierName must be an object with carrier or otherCarrier")
    if carrier.get("carrier"):
        if carrier["carrier"] not in spec.carriers():
            raise Problem(f"{field}.carrierName.carrier",
                          f"unknown carrier {carrier['carrier']!r}; use otherCarrier with a trackingURL")
    elif carrier.get("otherCarrier"):
        if not info.get("trackingURL"):
            raise Problem(f"{field}.trackingURL", "trackingURL is required when otherCarrier is used", MISSING)
    else:
        raise Problem(f"{field}.carrierName", "carrierName needs carrier or otherCarrier")
    return info


def packages(order):
    """The order's confirmed packages: distinct tracking numbers on its Shipped or Delivered parts
    (one box may carry several lines under one number; `sandbox stats` counts these)."""
    return {(p.get("trackingInfo") or {}).get("trackingNumber") for line in order_lines(order) for p in parts(line)
            if p.get("status") in ("Shipped", "Delivered")} - {None, ""}
