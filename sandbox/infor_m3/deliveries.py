"""Deliveries, packages and order-line closing in the M3 emulator: MWS410MI, DRS100MI, OIS100MI CloLine
and SearchLine, and the two things a warehouse does that the connector reads back (`ship_lines`,
`close_line`, used by fulfil.py and the tests).

How M3 is modelled (erp-apis.md C.3): a shipment (DRS100MI, CONN) groups deliveries (MWS410MI,
DLIX; one per order and warehouse); a delivery is packed into packages (PANR) that each carry a
tracking number; a package line says how much of which order line (RIDN order, RIDL line) it holds.
A delivery created here is already reported (PGRS 60, "ready for invoicing"), i.e. it left the dock.
Several deliveries of one line are partial deliveries; the line's DLQT adds them up.

UNCONFIRMED field names (the connector reads them from its config): ETRN as the package's tracking
number, DLQT as the package line's and order line's delivered quantity, RNQT as the remaining
quantity, LMTS (ms since the epoch) as the change stamp of deliveries and order lines, and the
meaning of LstPackageLine's mandatory PDSO (any value is accepted here).

Order line statuses: a line shipped or closed in full gets 66 (delivered) or, when nothing of it was
delivered, 99 (completed without delivery); a partly delivered line keeps its status. Closing
(CloLine) settles what is still open; `close_line(quantity=...)` closes part of it, which in M3 is
lowering the ordered quantity — here ORQT stays and RNQT drops, so ORQT - DLQT - RNQT is what
will never ship.
"""

import re
from decimal import Decimal

from sandbox import clock
from sandbox.infor_m3.mi import Ctx, MIError, decimal, m3_date, mi, not_found
from sandbox.infor_m3.models import Delivery, OrderLine, Package, PackageLine
from sandbox.infor_m3.orders import line_record, order_of

# Forwarding agents (FWNO, CRS070) and the delivery method (MODL, CRS050) each ships with by default.
CARRIERS = {"UPSG": "GRD", "UPS2": "2DA", "FEDX": "EXP", "USPS": "STD", "METRO": "LOC", "DHLX": "EXP"}
DEFAULT_CARRIER = "UPSG"
SHIPPED = "60"  # delivery progress status: reported, ready for invoicing


def stamp(moment):
    """LMTS as this emulator serves it: milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)


def tracking_number(carrier, dlix, panr):
    """A tracking number shaped like the carrier's own (UPS 1Z..., FedEx 12 digits, USPS 22 digits)."""
    serial = f"{dlix:09d}{int(panr):03d}"
    if carrier.startswith("UPS") and carrier != "USPS":
        return f"1Z{carrier[-1]}X{serial}"[:18].ljust(18, "0")
    if carrier == "FEDX":
        return serial[-12:]
    if carrier == "USPS":
        return ("9400" + serial).ljust(22, "1")
    return f"{carrier[:2]}{serial}"


def settle(line, now):
    """A line with nothing open left is delivered (66) or, without any delivery, completed (99)."""
    if line.open_quantity <= 0:
        line.orst = "66" if line.dlqt > 0 else "99"
    line.changed_at = now
    line.save(update_fields=["orst", "dlqt", "cnqt", "changed_at"])


def ship_lines(order, quantities, *, packages=1, carrier=DEFAULT_CARRIER, modl=None):
    """Ship {OrderLine: quantity} of a confirmed order: one shipment, a delivery per warehouse, each
    line's quantity spread over `packages` packages (a line with fewer units than packages fills the
    first ones). Returns the package lines created."""
    now = clock.now()
    ctx = Ctx(tenant=order.tenant, account=None, cono=order.cono, divi=order.divi)
    conn = ctx.next_number("shipment", 700001)
    created = []
    by_warehouse = {}
    for line, quantity in quantities.items():
        by_warehouse.setdefault(line.whlo, []).append((line, quantity))
    for whlo, lines in sorted(by_warehouse.items()):
        dlix = ctx.next_number("delivery", 5000001)
        delivery = Delivery.objects.create(tenant=order.tenant, cono=order.cono, dlix=dlix, conn=conn, order=order,
                                           whlo=whlo, pgrs=SHIPPED, modl=modl or CARRIERS.get(carrier, ""),
                                           carrier=carrier, shipped_at=now)
        boxes = [Package.objects.create(delivery=delivery, panr=f"{n:03d}", tracking=tracking_number(carrier, dlix, n))
                 for n in range(1, packages + 1)]
        delivery.tracking = boxes[0].tracking
        delivery.save(update_fields=["tracking"])
        for line, quantity in lines:
            for box, part in zip(boxes, split(quantity, packages)):
                if part:
                    created.append(PackageLine.objects.create(package=box, line=line, quantity=part))
            line.dlqt += quantity
            settle(line, now)
    return created


def split(quantity, parts):
    """Whole units over `parts` packages, the first ones taking the remainder; a fraction stays in the first."""
    whole = int(quantity)
    base, extra = divmod(whole, parts)
    shares = [Decimal(base + (1 if n < extra else 0)) for n in range(parts)]
    shares[0] += quantity - whole
    return shares


def close_line(line, quantity=None):
    """Close `quantity` (default all that is open) of an order line without delivering it."""
    open_quantity = line.open_quantity
    quantity = open_quantity if quantity is None else Decimal(quantity)
    line.cnqt += quantity
    settle(line, clock.now())
    return quantity


# --- OIS100MI: closing and searching order lines ----------------------------------------------

@mi("OIS100MI", "CloLine")
def close_order_line(ctx, r):
    """CloLine (ORNO, PONR; all optional in the metadata, both needed here): close what is still open."""
    for key in ("ORNO", "PONR"):
        if not r.get(key):
            raise MIError(f"{'Order number' if key == 'ORNO' else 'Order line number'} must be entered", key, "XRE0102")
    order = order_of(ctx, r["ORNO"])
    line = order.lines.filter(ponr=int(decimal(r, "PONR"))).first()
    if line is None:
        raise not_found("PONR", r["PONR"], "WPO0103")
    if line.orst >= "66":
        raise MIError(f"Order line {line.ponr} has status {line.orst} and cannot be closed", "PONR", "WPO0110")
    close_line(line)
    return []


TERM = re.compile(r'(\w+):(?:\[(\S+) TO (\S+)\]|"([^"]*)"|(\S+))')
LINE_FIELDS = {"ORNO": "order__orno", "CUOR": "order__cuor", "ITNO": "itno", "ORST": "orst", "WHLO": "whlo"}


@mi("OIS100MI", "SearchLine", required=("SQRY",))
def search_lines(ctx, r):
    """Order lines by field (ORNO, CUOR, ITNO, ORST, WHLO: `FIELD:value`) and change date or stamp
    ranges (`LMDT:[20261201 TO 99991231]`, `LMTS:[ms TO ms]`), terms combined with AND or a space."""
    lines = OrderLine.objects.select_related("order").filter(order__tenant=ctx.tenant, order__cono=ctx.cono,
                                                             order__confirmed=True)
    terms = TERM.findall(r["SQRY"])
    if not terms:
        raise MIError("Search query is invalid", "SQRY", "WSE0102")
    ranges = []
    for field, low, high, quoted, bare in terms:
        field = field.upper()
        if low:
            if field not in ("LMDT", "LMTS"):
                raise MIError(f"Search field {field} cannot take a range", "SQRY", "WSE0101")
            ranges.append((field, low, high))
        elif field in LINE_FIELDS:
            lines = lines.filter(**{LINE_FIELDS[field]: quoted or bare})
        else:
            raise MIError(f"Search field {field} is not indexed", "SQRY", "WSE0101")
    found = []
    for line in lines.order_by("order__orno", "ponr"):
        record = line_record(line.order, line)
        if all(_within(record[field], low, high) for field, low, high in ranges):
            found.append(record)
    return found


def _within(value, low, high):
    value = int(value)
    return (low == "*" or value >= int(low)) and (high == "*" or value <= int(high))


# --- MWS410MI deliveries and packages -----------------------------------------------------------

def delivery_record(d):
    return {"CONO": d.cono, "DLIX": d.dlix, "CONN": d.conn, "RIDN": d.order.orno, "WHLO": d.whlo, "PGRS": d.pgrs,
            "MODL": d.modl, "FWNO": d.carrier, "ETRN": d.tracking, "DSDT": d.shipped_at.strftime("%Y%m%d"),
            "DSHM": d.shipped_at.strftime("%H%M"), "CUOR": d.order.cuor, "LMTS": stamp(d.shipped_at)}


def _delivery(ctx, r):
    if not r.get("DLIX"):
        raise MIError("Delivery number must be entered", "DLIX", "XRE0102")
    found = Delivery.objects.select_related("order").filter(tenant=ctx.tenant, cono=ctx.cono,
                                                            dlix=int(decimal(r, "DLIX"))).first()
    if found is None:
        raise not_found("DLIX", r["DLIX"], "WDL0103")
    return found


@mi("MWS410MI", "GetHead")
def get_delivery(ctx, r):
    return [delivery_record(_delivery(ctx, r))]


@mi("MWS410MI", "LstItem")
def list_delivery_items(ctx, r):
    """What the delivery holds per order line (TRQT), over all its packages."""
    delivery = _delivery(ctx, r)
    totals = {}
    for packed in PackageLine.objects.filter(package__delivery=delivery).select_related("line"):
        line = packed.line
        totals[line.ponr] = (line, totals.get(line.ponr, (line, Decimal(0)))[1] + packed.quantity)
    return [{"DLIX": delivery.dlix, "ITNO": line.itno, "RIDN": delivery.order.orno, "RIDL": ponr, "RIDX": 0,
             "TRQT": quantity} for ponr, (line, quantity) in sorted(totals.items())]


@mi("MWS410MI", "LstPackages")
def list_packages(ctx, r):
    delivery = _delivery(ctx, r)
    return [{"DLIX": delivery.dlix, "PANR": p.panr, "ETRN": p.tracking, "WHLO": delivery.whlo,
             "LMTS": stamp(delivery.shipped_at)} for p in delivery.packages.all()]


@mi("MWS410MI", "GetPackage")
def get_package(ctx, r):
    delivery = _delivery(ctx, r)
    package = delivery.packages.filter(panr=r.get("PANR", "")).first()
    if package is None:
        raise not_found("PANR", r.get("PANR", ""), "WPA0103")
    return [{"DLIX": delivery.dlix, "PANR": package.panr, "ETRN": package.tracking, "WHLO": delivery.whlo}]


@mi("MWS410MI", "LstPackageLine", required=("DLIX", "PDSO"))
def list_package_lines(ctx, r):
    delivery = _delivery(ctx, r)
    lines = PackageLine.objects.filter(package__delivery=delivery).select_related("package", "line")
    if r.get("PANR"):
        lines = lines.filter(package__panr=r["PANR"])
    return [{"DLIX": delivery.dlix, "PANR": p.package.panr, "RORC": 3, "RIDN": delivery.order.orno,
             "RIDL": p.line.ponr, "RIDX": 0, "ITNO": p.line.itno, "DLQT": p.quantity, "WHLO": delivery.whlo}
            for p in lines]


# --- DRS100MI shipments -------------------------------------------------------------------------

@mi("DRS100MI", "GetShipment", required=("CONN",))
def get_shipment(ctx, r):
    d = Delivery.objects.filter(tenant=ctx.tenant, cono=ctx.cono, conn=int(decimal(r, "CONN"))).first()
    if d is None:
        raise not_found("CONN", r["CONN"], "WSH0103")
    return [shipment_record(d)]


def shipment_record(d):
    return {"CONN": d.conn, "FWNO": d.carrier, "MODL": d.modl, "DSDT": d.shipped_at.strftime("%Y%m%d"),
            "DSHM": d.shipped_at.strftime("%H%M"), "SDES": d.whlo}


@mi("DRS100MI", "LstByDelivery", required=("CONN",))
def list_shipment_deliveries(ctx, r):
    deliveries = Delivery.objects.select_related("order").filter(tenant=ctx.tenant, cono=ctx.cono,
                                                                 conn=int(decimal(r, "CONN")))
    return [delivery_record(d) for d in deliveries.order_by("dlix")]


@mi("DRS100MI", "LstShipment")
def list_shipments(ctx, r):
    """Shipments departed on or after DSDT (yyyyMMdd), from shipment CONN on (the list's key), by CONN."""
    since = m3_date(r, "DSDT", "19000101")
    start = int(decimal(r, "CONN")) if r.get("CONN") else 0
    deliveries = Delivery.objects.filter(tenant=ctx.tenant, cono=ctx.cono, conn__gte=start).order_by("conn", "dlix")
    seen, found = set(), []
    for d in deliveries:
        if d.conn not in seen and d.shipped_at.strftime("%Y%m%d") >= since:
            seen.add(d.conn)
            found.append(shipment_record(d))
    return found


def deliver(tenant, orno, *, carrier="UPS", modl="GRD", tracking="", at=None):
    """Ship everything open of a confirmed order in one package (the demo and older tests)."""
    from sandbox.infor_m3.models import Order

    order = Order.objects.get(tenant=tenant, orno=orno, confirmed=True)
    lines = {line: line.open_quantity for line in order.lines.all() if line.open_quantity > 0}
    ship_lines(order, lines, carrier=carrier, modl=modl)
    delivery = order.deliveries.order_by("-dlix").first()
    changes = {}
    if tracking:
        delivery.packages.update(tracking=tracking)
        changes["tracking"] = tracking
    if at is not None:
        changes["shipped_at"] = at
    if changes:
        Delivery.objects.filter(pk=delivery.pk).update(**changes)
        delivery.refresh_from_db()
    return delivery
