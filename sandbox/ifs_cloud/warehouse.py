"""What IFS users and background jobs do to the emulator's data: number series, reservation on
release, shipping an order, cancelling one. Views call these; the demo and tests call them to play
the warehouse (there is no projection call for "the picker shipped it").
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from sandbox import clock
from sandbox.ifs_cloud.models import CustomerOrder, InventoryPartInStock, Series, Shipment, ShipmentLine

ORDER_NO_START = 1000000  # first order is C1000001, like IFS's default C-series


def next_number(realm, name, start=0):
    with transaction.atomic():
        Series.objects.get_or_create(realm=realm, name=name, defaults={"last": start})
        Series.objects.filter(realm=realm, name=name).update(last=F("last") + 1)
        return Series.objects.get(realm=realm, name=name).last


def next_order_no(realm):
    return f"C{next_number(realm, 'customer_order', ORDER_NO_START)}"


def _stock_rows(realm, site, part_no):
    return InventoryPartInStock.objects.filter(realm=realm, contract=site, part_no=part_no).order_by("location_no", "pk")


def bump(obj, **changes):
    """Save changes with a new objversion (a new ETag)."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.save()


def reserve(order):
    """Reserve available stock for each line (IFS reserves released order lines), location by location."""
    for line in order.lines.exclude(objstate="Cancelled"):
        wanted = line.buy_qty_due - line.qty_assigned
        for row in _stock_rows(order.realm, line.contract, line.part_no).filter(available_qty__gt=0):
            if wanted <= 0:
                break
            take = min(wanted, row.available_qty)
            bump(row, qty_reserved=row.qty_reserved + take)
            wanted -= take
        bump(line, qty_assigned=line.buy_qty_due - wanted, objstate="Released")


def _unreserve(order):
    for line in order.lines.all():
        held = line.qty_assigned
        for row in _stock_rows(order.realm, line.contract, line.part_no).filter(qty_reserved__gt=0):
            if held <= 0:
                break
            give = min(held, row.qty_reserved)
            bump(row, qty_reserved=row.qty_reserved - give)
            held -= give


@transaction.atomic
def cancel_order(realm, order_no):
    order = CustomerOrder.objects.get(realm=realm, order_no=order_no)
    _unreserve(order)
    for line in order.lines.all():
        bump(line, qty_assigned=Decimal(0), objstate="Cancelled")
    bump(order, objstate="Cancelled")
    return order


@transaction.atomic
def ship_order(realm, order_no, *, ship_via_code=None):
    """Ship every open quantity of a released order: one shipment, stock issued, order Delivered."""
    order = CustomerOrder.objects.get(realm=realm, order_no=order_no)
    if order.objstate not in ("Released", "Reserved", "Picked", "PartiallyDelivered"):
        raise ValueError(f"order {order_no} is {order.objstate}; only released orders can be shipped")
    now = clock.now()
    shipment = Shipment.objects.create(
        realm=realm, shipment_id=next_number(realm, "shipment"), contract=order.contract,
        receiver_id=order.customer_no, ship_via_code=ship_via_code or order.ship_via_code,
        objstate="Closed", planned_ship_date=now, actual_ship_date=now,
    )
    for number, line in enumerate(order.lines.exclude(objstate="Cancelled").order_by("pk"), start=1):
        qty = line.buy_qty_due - line.qty_shipped
        if qty <= 0:
            continue
        ShipmentLine.objects.create(
            shipment=shipment, shipment_line_no=number, source_ref1=order.order_no, source_ref2=line.line_no,
            source_ref3=line.rel_no, source_ref4=str(line.line_item_no), inventory_part_no=line.part_no,
            inventory_qty=qty, qty_picked=qty, qty_shipped=qty,
        )
        _issue(order.realm, line, qty)
        bump(line, qty_shipped=line.qty_shipped + qty, qty_assigned=Decimal(0), objstate="Delivered")
    bump(order, objstate="Delivered")
    return shipment


def _issue(realm, line, qty):
    """Take shipped quantity off the shelves: reserved quantity first, then free stock."""
    reserved, left = line.qty_assigned, qty
    for row in _stock_rows(realm, line.contract, line.part_no).filter(qty_onhand__gt=0):
        if left <= 0:
            break
        take = min(left, row.qty_onhand)
        release = min(reserved, row.qty_reserved, take)
        bump(row, qty_onhand=row.qty_onhand - take, qty_reserved=row.qty_reserved - release)
        reserved -= release
        left -= take
