"""shipments_out for IFS Cloud: shipped shipments and cancelled / closed-short order lines since a mark.

A read, in bulk (never a call per order):
1. ShipmentSet: shipments in a shipped state (`shipment_states`) with ActualShipDate at/after the mark;
2. ShipmentLineSet of those shipments (40 per call);
3. CustomerOrderLineSet: lines Cancelled, or Delivered/Invoiced (closed) with less shipped than ordered,
   changed (`line_changed_field`) at/after the mark;
4. CustomerOrderSet and 5. CustomerOrderLineSet of the orders met (40 per call): our reference
   (CustomerPoNo) and the Walmart line numbers (CustomerPoLineNo, set by post_order).
One package per (shipment, order line): IFS keeps one tracking number per shipment here
(`tracking_field`), so several packages are several shipments. Only orders carrying a CustomerPoNo are
reported; the flow ignores references it did not post.
"""

from decimal import Decimal

from connectors.contract import CancelledLine, ShipmentPage, ShippedPackage
from connectors import marks
from connectors.ifs_cloud.records import dec

CLOSED_LINE_STATES = ("Cancelled", "Delivered", "Invoiced")


def _line_key(row):
    return "/".join(str(row.get(k)) for k in ("OrderNo", "LineNo", "RelNo", "LineItemNo"))


def read(client, config, since):
    stamps = marks.parse(since)
    shipped, cancelled = stamps.get("ship", marks.Stamp()), stamps.get("line", marks.Stamp())
    shipments = _shipments(client, config, shipped)
    closed = _closed_lines(client, config, cancelled)
    lines = client.lines_of_shipments([s["ShipmentId"] for s in shipments]) if shipments else []
    order_nos = sorted({x.get("SourceRef1") for x in lines if x.get("SourceRefType") in (None, "CustomerOrder")}
                       | {x["OrderNo"] for x in closed})
    references = {o["OrderNo"]: o.get("CustomerPoNo") or "" for o in client.orders_by_no(order_nos)} if order_nos else {}
    ours = [no for no in order_nos if references.get(no)]
    order_lines = {_line_key(x): x for x in client.lines_of_orders(ours)} if lines and ours else {}
    packages = _packages(config, shipments, lines, references, order_lines)
    cancellations = tuple(_cancellation(config, x, references[x["OrderNo"]]) for x in closed
                          if references.get(x["OrderNo"]))
    new = {"ship": shipped.after((marks.parse_date(s.get("ActualShipDate")), str(s["ShipmentId"])) for s in shipments),
           "line": cancelled.after((marks.parse_date(x.get(config.line_changed_field)), _line_key(x)) for x in closed)}
    return ShipmentPage(packages=packages, cancellations=cancellations, mark=marks.render(new))


def _shipments(client, config, stamp):
    select = ",".join(dict.fromkeys(["ShipmentId", "Contract", "Objstate", "ActualShipDate", config.carrier_field,
                                     config.tracking_field]))
    rows = client.shipped_shipments(config.shipment_states, since=stamp.literal(), select=select)
    return [r for r in rows if not stamp.seen(marks.parse_date(r.get("ActualShipDate")), str(r["ShipmentId"]))]


def _closed_lines(client, config, stamp):
    """Lines that will never ship what is still open: Cancelled, or closed (Delivered/Invoiced) short."""
    field = config.line_changed_field
    rows = client.changed_order_lines(CLOSED_LINE_STATES, field=field, since=stamp.literal())
    fresh = [r for r in rows if not stamp.seen(marks.parse_date(r.get(field)), _line_key(r))]
    return [r for r in fresh if r.get("CustomerPoLineNo") not in (None, "") and _unshipped(r) > 0]


def _unshipped(row):
    return (dec(row.get("BuyQtyDue")) or Decimal(0)) - (dec(row.get("QtyShipped")) or Decimal(0))


def _packages(config, shipments, lines, references, order_lines):
    by_id = {s["ShipmentId"]: s for s in shipments}
    packages = {}  # (shipment id, order line key) -> ShippedPackage: a line split over shipment lines is one package
    for x in lines:
        order_no = x.get("SourceRef1")
        key = "/".join(str(x.get(k)) for k in ("SourceRef1", "SourceRef2", "SourceRef3", "SourceRef4"))
        order_line = order_lines.get(key)
        if not references.get(order_no) or order_line is None or order_line.get("CustomerPoLineNo") in (None, ""):
            continue  # not an order (line) we posted
        shipment = by_id[x["ShipmentId"]]
        quantity = dec(x.get("InventoryQty")) or Decimal(0)
        earlier = packages.get((x["ShipmentId"], key))
        if earlier is not None:
            quantity += earlier.quantity
        at = marks.parse_date(shipment.get("ActualShipDate"))
        packages[(x["ShipmentId"], key)] = ShippedPackage(
            reference=references[order_no], erp_order=order_no, line_number=str(order_line["CustomerPoLineNo"]),
            erp_item=order_line.get("CatalogNo") or x.get("InventoryPartNo") or "", quantity=quantity,
            carrier=str(shipment.get(config.carrier_field) or ""),
            tracking_number=str(shipment.get(config.tracking_field) or ""), shipped_at=at,
            shipment_id=str(x["ShipmentId"]), mark=marks.iso(at) if at else "")
    return tuple(packages.values())


def _cancellation(config, row, reference):
    at = marks.parse_date(row.get(config.line_changed_field))
    state = row.get("Objstate")
    return CancelledLine(
        reference=reference, erp_order=row["OrderNo"], line_number=str(row["CustomerPoLineNo"]),
        erp_item=row.get("CatalogNo") or "", quantity=_unshipped(row),
        reason="cancelled in IFS Cloud" if state == "Cancelled" else f"closed short in IFS Cloud ({state})",
        mark=marks.iso(at) if at else "")
