"""shipments_out for Exact Online: goods deliveries of our sales orders, and lines Exact will not deliver,
since a mark.

A read, in bulk (never a call per order):
1. salesorder/GoodsDeliveries modified at/after the mark (60 a page): carrier (ShippingMethodCode or
   `carrier_field`), TrackingNumber, DeliveryDate;
2. salesorder/GoodsDeliveryLines of those deliveries (25 deliveries a read): item, quantity, sales order line;
3. salesorder/SalesOrders of those orders by OrderNumber (25 a read), lines expanded: YourRef (our
   reference) and the Walmart line number post_order wrote in each line's Notes ("Walmart line 2"; for an
   order posted before that, the line's LineNumber);
4. salesorder/SalesOrders carrying a YourRef modified at/after the mark, lines expanded: lines cancelled
   (DeliveryStatus 45) or completed short (21 with QuantityDelivered below Quantity).
One package per (delivery, sales order line); a line's own TrackingNumber wins over the delivery's.
What Exact cannot say: when a line was cancelled (the order's Modified stands in, so a cancelled line is
reported again whenever its order changes later: the flow cancels once) and why (no reason field).
"""

import re
from decimal import Decimal

from connectors import marks
from connectors.contract import CancelledLine, ShipmentPage, ShippedPackage

WALMART_LINE = re.compile(r"Walmart line (\S+)")
CANCELLED, COMPLETE = 45, 21


def _lines(order):
    lines = order.get("SalesOrderLines") or []
    return lines.get("results", []) if isinstance(lines, dict) else lines


def walmart_line(line):
    match = WALMART_LINE.search(line.get("Notes") or "")
    return match.group(1) if match else str(line.get("LineNumber"))


def _decimal(value):
    return Decimal(str(value)) if value is not None else Decimal(0)


def read(client, config, since):
    stamps = marks.parse(since)
    delivered_stamp, order_stamp = stamps.get("gd", marks.Stamp()), stamps.get("so", marks.Stamp())
    deliveries = [d for d in client.goods_deliveries(modified_since=delivered_stamp.at,
                                                     carrier_field=config.carrier_field)
                  if not delivered_stamp.seen(marks.parse_date(d.get("Modified")), d["EntryID"])]
    lines = client.goods_delivery_lines([d["EntryID"] for d in deliveries]) if deliveries else []
    numbers = sorted({int(x["SalesOrderNumber"]) for x in lines if x.get("SalesOrderNumber") is not None})
    orders = client.sales_orders_with_lines(numbers=numbers) if numbers else []
    changed = [o for o in client.sales_orders_with_lines(modified_since=order_stamp.at)
               if not order_stamp.seen(marks.parse_date(o.get("Modified")), o["OrderID"])]
    new = {"gd": delivered_stamp.after((marks.parse_date(d.get("Modified")), d["EntryID"]) for d in deliveries),
           "so": order_stamp.after((marks.parse_date(o.get("Modified")), o["OrderID"]) for o in changed)}
    return ShipmentPage(packages=_packages(config, deliveries, lines, orders),
                        cancellations=tuple(c for o in changed for c in _cancellations(config, o)),
                        mark=marks.render(new))


def _packages(config, deliveries, lines, orders):
    by_entry = {d["EntryID"]: d for d in deliveries}
    order_lines = {x["ID"]: (o, x) for o in orders if o.get("YourRef") for x in _lines(o)}
    packages = {}
    for row in lines:
        found = order_lines.get(row.get("SalesOrderLineID"))
        if found is None:
            continue  # a delivery of an order we did not post (no YourRef)
        order, order_line = found
        delivery = by_entry[row["EntryID"]]
        key = (row["EntryID"], order_line["ID"])
        quantity = _decimal(row.get("QuantityDelivered"))
        if key in packages:  # one sales order line delivered from several storage locations
            quantity += packages[key].quantity
        at = marks.parse_date(delivery.get("DeliveryDate") or row.get("DeliveryDate"))
        packages[key] = ShippedPackage(
            reference=order["YourRef"], erp_order=str(order.get("OrderNumber")), line_number=walmart_line(order_line),
            erp_item=(row.get("ItemCode") or order_line.get("ItemCode") or "").strip(), quantity=quantity,
            carrier=str(delivery.get(config.carrier_field) or ""),
            tracking_number=str(row.get("TrackingNumber") or delivery.get("TrackingNumber") or ""),
            shipped_at=at, shipment_id=str(delivery.get("DeliveryNumber") or delivery["EntryID"]),
            mark=marks.iso(marks.parse_date(delivery.get("Modified"))) if delivery.get("Modified") else "")
    return tuple(packages.values())


def _cancellations(config, order):
    """Walmart lines of a sales order we posted that Exact will not deliver (in full)."""
    if not order.get("YourRef"):
        return []
    service = {config.shipping_item, config.tax_item} - {""}
    found = []
    for line in _lines(order):
        if (line.get("ItemCode") or "").strip() in service:
            continue
        status = line.get("DeliveryStatus")
        left = _decimal(line.get("Quantity")) - _decimal(line.get("QuantityDelivered"))
        if left <= 0 or status not in (CANCELLED, COMPLETE):
            continue
        modified = marks.parse_date(order.get("Modified"))
        found.append(CancelledLine(
            reference=order["YourRef"], erp_order=str(order.get("OrderNumber")), line_number=walmart_line(line),
            erp_item=(line.get("ItemCode") or "").strip(), quantity=left,
            reason="cancelled in Exact Online" if status == CANCELLED else "completed short in Exact Online",
            mark=marks.iso(modified) if modified else ""))
    return found
