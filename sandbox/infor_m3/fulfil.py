"""What the seller's warehouse and item managers do in M3, for the demo and the tests (`manage.py
sandbox ship / cancel-line / touch-items`): ship part of an order we posted, close a line short,
change items. The same three functions exist for every ERP emulator that has shipments or items.

An order is found by our reference (the Walmart purchaseOrderId) in CUOR, in any tenant; lines by
the Walmart line number the connector sent in CUPO (by PONR for an order posted without it).
Errors are LookupError (no such order or line) or ValueError (more than is open, a bad number).
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from sandbox import catalog, clock
from sandbox.infor_m3 import data, deliveries, itemdata
from sandbox.infor_m3.models import ItemChange, Order


def _order(reference):
    orders = list(Order.objects.filter(cuor=reference, confirmed=True).order_by("pk"))
    if not orders:
        raise LookupError(f"Infor M3 has no customer order with reference (CUOR) {reference}")
    if len(orders) > 1:  # one per tenant (several connections): say which, rather than guess
        raise ValueError(f"{len(orders)} Infor M3 orders carry reference {reference} "
                         f"({', '.join(o.tenant + ' ' + o.orno for o in orders)})")
    return orders[0]


def _line_number(line):
    return line.cupo or str(line.ponr)


def _line(order, number):
    for line in order.lines.all():
        if _line_number(line) == str(number).strip():
            return line
    known = ", ".join(_line_number(line) for line in order.lines.all())
    raise LookupError(f"Infor M3 order {order.orno} ({order.cuor}) has no line {number} (lines: {known})")


def _quantity(value):
    try:
        quantity = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a quantity") from None
    if not quantity.is_finite() or quantity <= 0:
        raise ValueError(f"a quantity must be more than 0, not {value}")
    return quantity


def _shown(value):
    return format(value.normalize(), "f")


@transaction.atomic
def ship(reference, lines=None, quantity=None, packages=1, carrier=None):
    """Ship `quantity` (default: all that is open) of each of `lines` (Walmart line numbers; default:
    every line with something open) of the order carrying `reference`, in `packages` packages per
    delivery, by M3 carrier (forwarding agent) `carrier`. One dict per package line."""
    carrier = (carrier or deliveries.DEFAULT_CARRIER).upper()
    if carrier not in deliveries.CARRIERS:
        raise LookupError(f"Infor M3 has no forwarding agent {carrier} (known: {', '.join(deliveries.CARRIERS)})")
    packages = int(packages)
    if packages < 1:
        raise ValueError("packages must be 1 or more")
    order = _order(reference)
    if lines:
        chosen = [_line(order, n) for n in lines]
    else:
        chosen = [line for line in order.lines.all() if line.open_quantity > 0]
    if not chosen:
        raise ValueError(f"Infor M3 order {order.orno} ({reference}) has nothing open to ship")
    wanted = {}
    for line in chosen:
        amount = line.open_quantity if quantity is None else _quantity(quantity)
        if amount > line.open_quantity or amount <= 0:
            raise ValueError(f"line {_line_number(line)} of {reference} has {_shown(line.open_quantity)} open; "
                             f"cannot ship {_shown(amount)}")
        wanted[line] = amount
    packed = deliveries.ship_lines(order, wanted, packages=packages, carrier=carrier)
    return [{"reference": reference, "order": order.orno, "shipment": p.package.delivery.conn,
             "delivery": p.package.delivery.dlix, "package": p.package.panr, "line": _line_number(p.line),
             "item": p.line.itno, "quantity": p.quantity, "carrier": carrier, "method": p.package.delivery.modl,
             "tracking_number": p.package.tracking} for p in packed]


@transaction.atomic
def cancel_line(reference, line, quantity=None):
    """Close `quantity` (default all that is open) of Walmart line `line` without delivering it."""
    order = _order(reference)
    found = _line(order, line)
    amount = found.open_quantity if quantity is None else _quantity(quantity)
    if amount <= 0 or amount > found.open_quantity:
        raise ValueError(f"line {line} of {reference} has {_shown(found.open_quantity)} open; "
                         f"cannot cancel {_shown(amount)}")
    deliveries.close_line(found, amount)
    return {"reference": reference, "order": order.orno, "line": _line_number(found), "item": found.itno,
            "quantity": amount, "status": found.orst}


@transaction.atomic
def touch_items(n):
    """Change `n` items (those changed longest ago first): odd revisions get a new description, even
    ones new images. Each is stamped changed now. Returns the item numbers."""
    n = int(n)
    if n < 1:
        raise ValueError("give 1 or more items to touch")
    changed = itemdata.changes()
    # Never-changed items first (catalog order), then the least recently changed.
    order = sorted(data.items(), key=lambda c: (1, changed[c].changed_at.timestamp(), c) if c in changed else (0, 0, c))
    now = clock.now()
    touched = []
    for itno in order[:n]:
        item = data.items()[itno]
        current = changed.get(itno)
        revision = current.revision + 1 if current else 1
        images = list(current.images) if current else itemdata.catalog_images(itno)
        description = current.description if current else itemdata.extras(item)["FUDS"]
        if revision % 2:
            description = f"{item.name}: {catalog.CATEGORIES[revision % len(catalog.CATEGORIES)].lower()} favourite, " \
                          f"revision {revision}"[:60]
        else:
            images = [f"{itemdata.IMAGE_BASE}/{itno}/main-r{revision}.jpg"] + images[1:]
        ItemChange.objects.update_or_create(itno=itno, defaults={"description": description, "images": images,
                                                                 "revision": revision, "changed_at": now})
        touched.append(itno)
    return touched
