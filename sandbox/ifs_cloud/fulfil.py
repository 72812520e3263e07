"""The warehouse and the product manager at work in the IFS Cloud emulator, for `manage.py sandbox
ship / cancel-line / touch-items` and the tests: ship part of a customer order (one shipment per
package, each with its tracking number), cancel or close short an order line, change sales parts.

Orders are found by our reference (CustomerPoNo, the Walmart purchaseOrderId) and lines by the Walmart
line number post_order put in CustomerPoLineNo, as a user would search IFS. Raises ValueError with a
sentence a person can act on (the command prints it).
"""

from decimal import Decimal

from django.db import transaction

from sandbox import clock
from sandbox.ifs_cloud import warehouse
from sandbox.ifs_cloud.models import CustomerOrder, SalesPart, Shipment, ShipmentLine

# IFS ShipViaCode holds 3 characters; mappings/demo/carrier-ifs_cloud.csv maps these to Walmart carriers.
DEFAULT_CARRIER = "UPG"
SHIPPABLE = ("Planned", "Released", "Reserved", "Picked", "PartiallyDelivered")
OPEN_LINE = ("Planned", "Released", "Reserved", "Picked", "PartiallyDelivered")


def _order(reference):
    order = (CustomerOrder.objects.filter(customer_po_no=reference).exclude(objstate="Cancelled")
             .order_by("order_no").first())
    if order is None:
        raise ValueError(f"IFS Cloud sandbox: no live customer order has CustomerPoNo {reference!r}")
    return order


def _lines(order, numbers):
    """The order's open lines, by Walmart line number (CustomerPoLineNo); all open lines when numbers is None."""
    lines = [x for x in order.lines.order_by("pk") if x.objstate in OPEN_LINE]
    if numbers is None:
        return lines
    wanted = [str(n) for n in numbers]
    by_number = {}
    for line in lines:
        by_number.setdefault(str(line.extra.get("CustomerPoLineNo")), line)
    missing = [n for n in wanted if n not in by_number]
    if missing:
        raise ValueError(f"IFS Cloud sandbox: order {order.order_no} has no open line with CustomerPoLineNo "
                         f"{', '.join(missing)}")
    return [by_number[n] for n in wanted]


def _q(value):
    """A quantity as people write it (4, not 4.0000)."""
    return format(Decimal(value).normalize(), "f")


def _split(quantity, packages):
    """`quantity` over `packages` packages, as evenly as whole units allow (the first ones take the rest)."""
    whole = int(quantity)
    if whole != quantity or whole < packages:
        raise ValueError(f"IFS Cloud sandbox: {_q(quantity)} cannot go in {packages} packages of whole units")
    base, rest = divmod(whole, packages)
    return [Decimal(base + (1 if n < rest else 0)) for n in range(packages)]


@transaction.atomic
def ship(reference, lines=None, quantity=None, packages=1, carrier=None):
    """Ship the order carrying `reference`: `lines` (Walmart line numbers; all open lines by default),
    `quantity` units of each (default: all that is open), in `packages` shipments, each with its own
    tracking number (AirwayBillNo), ShipViaCode `carrier`. A Planned order is released first (IFS ships
    released orders only). Returns one dict per package and line: line (Walmart's), item, quantity,
    carrier, tracking_number, order, shipment."""
    if packages < 1:
        raise ValueError("IFS Cloud sandbox: packages must be at least 1")
    order = _order(reference)
    if order.objstate not in SHIPPABLE:
        raise ValueError(f"IFS Cloud sandbox: order {order.order_no} is {order.objstate} and cannot be shipped")
    carrier = carrier or DEFAULT_CARRIER
    if len(carrier) > 3:
        raise ValueError(f"IFS Cloud sandbox: ShipViaCode {carrier!r} is longer than IFS's 3 characters")
    if order.objstate == "Planned":
        warehouse.reserve(order)
        warehouse.bump(order, objstate="Released")
    chosen = _lines(order, lines)
    plan = []
    for line in chosen:
        open_qty = line.buy_qty_due - line.qty_shipped
        qty = open_qty if quantity is None else Decimal(str(quantity))
        if qty <= 0 or qty > open_qty:
            raise ValueError(f"IFS Cloud sandbox: line {line.extra.get('CustomerPoLineNo')} of {order.order_no} "
                             f"has {_q(open_qty)} open; cannot ship {_q(qty)}")
        plan.append((line, _split(qty, packages)))
    now = clock.now()
    shipped = []
    for package in range(packages):
        shipment_id = warehouse.next_number(order.realm, "shipment")
        tracking = f"1Z{order.realm[:3].upper()}{shipment_id:010d}"
        shipment = Shipment.objects.create(
            realm=order.realm, shipment_id=shipment_id, contract=order.contract, receiver_id=order.customer_no,
            ship_via_code=carrier, objstate="Closed", planned_ship_date=now, actual_ship_date=now,
            airway_bill_no=tracking)
        for number, (line, shares) in enumerate(plan, start=1):
            qty = shares[package]
            ShipmentLine.objects.create(
                shipment=shipment, shipment_line_no=number, source_ref1=order.order_no, source_ref2=line.line_no,
                source_ref3=line.rel_no, source_ref4=str(line.line_item_no), inventory_part_no=line.part_no,
                inventory_qty=qty, qty_picked=qty, qty_shipped=qty)
            shipped.append({"line": str(line.extra.get("CustomerPoLineNo")), "item": line.catalog_no, "quantity": qty,
                            "carrier": carrier, "tracking_number": tracking, "order": order.order_no,
                            "shipment": shipment_id})
    for line, shares in plan:
        qty = sum(shares)
        warehouse._issue(order.realm, line, qty)
        done = line.qty_shipped + qty >= line.buy_qty_due
        warehouse.bump(line, qty_shipped=line.qty_shipped + qty, qty_assigned=max(line.qty_assigned - qty, Decimal(0)),
                       objstate="Delivered" if done else "PartiallyDelivered")
    _settle(order)
    return shipped


def _settle(order):
    """The header state follows its lines: Delivered when none is open, else PartiallyDelivered."""
    states = set(order.lines.values_list("objstate", flat=True))
    if states <= {"Cancelled"}:
        state = "Cancelled"
    elif states & set(OPEN_LINE):
        state = "PartiallyDelivered" if states & {"Delivered", "PartiallyDelivered"} else order.objstate
    else:
        state = "Delivered"
    if state != order.objstate:
        warehouse.bump(order, objstate=state)


@transaction.atomic
def cancel_line(reference, line, quantity=None):
    """Cancel what is open of one order line (Walmart line number `line`), or `quantity` of it.

    Nothing shipped and all cancelled: the line becomes Cancelled. Part shipped, the rest cancelled: the
    line is closed short (Delivered with QtyShipped below BuyQtyDue). Part of the open quantity: IFS
    splits a release off the line (RelNo + 1) carrying the cancelled quantity, in state Cancelled."""
    order = _order(reference)
    (row,) = _lines(order, [line])
    open_qty = row.buy_qty_due - row.qty_shipped
    qty = open_qty if quantity is None else Decimal(str(quantity))
    if qty <= 0 or qty > open_qty:
        raise ValueError(f"IFS Cloud sandbox: line {line} of {order.order_no} has {_q(open_qty)} open; "
                         f"cannot cancel {_q(qty)}")
    if qty < open_qty:
        rel_no = str(max(int(r) for r in order.lines.filter(line_no=row.line_no).values_list("rel_no", flat=True)) + 1)
        original = order.lines.get(pk=row.pk)
        row.pk, row.id = None, None
        row.rel_no, row.buy_qty_due, row.desired_qty = rel_no, qty, qty
        row.qty_assigned = row.qty_shipped = row.qty_invoiced = Decimal(0)
        row.objstate, row.version = "Cancelled", 1
        row.save()
        warehouse.bump(original, buy_qty_due=original.buy_qty_due - qty, desired_qty=original.desired_qty - qty)
        result = {"order": order.order_no, "line": str(line), "item": row.catalog_no, "line_no": row.line_no,
                  "rel_no": rel_no, "status": "Cancelled", "quantity": qty}
    else:
        state = "Cancelled" if row.qty_shipped == 0 else "Delivered"
        warehouse.bump(row, qty_assigned=Decimal(0), objstate=state)
        result = {"order": order.order_no, "line": str(line), "item": row.catalog_no, "line_no": row.line_no,
                  "rel_no": row.rel_no, "status": state, "quantity": qty}
    _settle(order)
    return result


def touch_items(n):
    """Change `n` sales parts (the first catalog numbers, at every site): a new note, so their Rowversion moves
    and items(since) lists them again. Returns the catalog numbers."""
    codes = list(SalesPart.objects.order_by("catalog_no").values_list("catalog_no", flat=True).distinct()[:n])
    stamp = clock.now().strftime("%Y-%m-%d %H:%M:%S")
    for part in SalesPart.objects.filter(catalog_no__in=codes):
        part.note_text = f"{part.catalog_desc}. Updated {stamp}."
        part.version += 1
        part.save()
    return codes
