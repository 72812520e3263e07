"""The warehouse at work in the Exact Online emulator, for `manage.py sandbox ship / cancel-line` and the
tests: deliver part of a sales order (one goods delivery per package, each with its tracking number) and
cancel or close what is open of a line.

The sales order is found by our reference in YourRef (`<purchaseOrderId>-SO`, or the purchaseOrderId
alone) and its lines by the Walmart line number post_order writes in the line's Notes ("Walmart line 2"),
else by LineNumber. Raises ValueError with a sentence a person can act on (the command prints it).
"""

import re
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from sandbox import clock
from sandbox.exact_online import data
from sandbox.exact_online.documents import _ms
from sandbox.exact_online.models import Document, GoodsDelivery

# A shipping method code the demo carrier mapping maps (mappings/demo/carrier.csv: UPSG -> UPS Standard).
DEFAULT_CARRIER = "UPSG"
WALMART_LINE = re.compile(r"Walmart line (\S+)")
OPEN, PARTIAL, COMPLETE, CANCELLED = 12, 20, 21, 45


def _q(value):
    return format(Decimal(str(value)).normalize(), "f")


def _order(reference):
    documents = Document.objects.filter(kind=Document.Kind.SALES_ORDER, deleted=False,
                                        your_ref__in=[f"{reference}-SO", reference]).order_by("pk")
    document = documents.select_for_update().first()
    if document is None:
        raise ValueError(f"Exact Online sandbox: no sales order has YourRef {reference}-SO (or {reference})")
    return document


def walmart_line(line):
    match = WALMART_LINE.search(line.get("Notes") or "")
    return match.group(1) if match else str(line["LineNumber"])


def _walmart_lines(document):
    """The lines that carry a Walmart line (Notes), else every line with a stock item."""
    lines = document.data["SalesOrderLines"]
    noted = [x for x in lines if WALMART_LINE.search(x.get("Notes") or "")]
    stock = {i["ID"] for i in data.items() if i["IsStockItem"]}
    return noted or [x for x in lines if x.get("Item") in stock]


def _open(line):
    return Decimal(str(line["Quantity"])) - Decimal(str(line.get("QuantityDelivered") or 0))


def _chosen(document, numbers):
    lines = [x for x in _walmart_lines(document) if x.get("DeliveryStatus", OPEN) in (OPEN, PARTIAL)]
    if numbers is None:
        return lines
    by_number = {walmart_line(x): x for x in lines}
    missing = [str(n) for n in numbers if str(n) not in by_number]
    if missing:
        raise ValueError(f"Exact Online sandbox: sales order {document.number} has no open Walmart line "
                         f"{', '.join(missing)}")
    return [by_number[str(n)] for n in numbers]


def _split(quantity, packages):
    whole = int(quantity)
    if whole != quantity or whole < packages:
        raise ValueError(f"Exact Online sandbox: {_q(quantity)} cannot go in {packages} packages of whole units")
    base, rest = divmod(whole, packages)
    return [Decimal(base + (1 if n < rest else 0)) for n in range(packages)]


def _settle(document, now):
    """The order's Status follows its lines (12 open, 20 partial, 21 complete, 45 cancelled); Modified moves."""
    statuses = {x.get("DeliveryStatus", OPEN) for x in document.data["SalesOrderLines"] if x in _walmart_lines(document)}
    if statuses <= {CANCELLED}:
        status, text = CANCELLED, "Cancelled"
    elif statuses <= {COMPLETE, CANCELLED}:
        status, text = COMPLETE, "Complete"
    elif statuses & {PARTIAL, COMPLETE}:
        status, text = PARTIAL, "Partial"
    else:
        status, text = OPEN, "Open"
    document.data = {**document.data, "Status": status, "StatusDescription": text, "Modified": _ms(now)}
    document.save(update_fields=["data"])


@transaction.atomic
def ship(reference, lines=None, quantity=None, packages=1, carrier=None):
    """Deliver the sales order carrying `reference`: `lines` (Walmart line numbers; all open by default),
    `quantity` of each (default: all that is open), as `packages` goods deliveries with their own
    TrackingNumber and ShippingMethodCode `carrier`. Returns one dict per package and line: line
    (Walmart's), item, quantity, carrier, tracking_number, order (OrderNumber), delivery (DeliveryNumber)."""
    if packages < 1:
        raise ValueError("Exact Online sandbox: packages must be at least 1")
    document = _order(reference)
    carrier = carrier or DEFAULT_CARRIER
    plan = []
    for line in _chosen(document, lines):
        open_qty = _open(line)
        qty = open_qty if quantity is None else Decimal(str(quantity))
        if qty <= 0 or qty > open_qty:
            raise ValueError(f"Exact Online sandbox: Walmart line {walmart_line(line)} of sales order {document.number} "
                             f"has {_q(open_qty)} open; cannot ship {_q(qty)}")
        plan.append((line, _split(qty, packages)))
    if not plan:
        raise ValueError(f"Exact Online sandbox: sales order {document.number} has nothing open to deliver")
    now, account, division = clock.now(), document.account, document.division
    shipped = []
    for package in range(packages):
        number = (GoodsDelivery.objects.filter(account=account, division=division)
                  .aggregate(n=Max("number"))["n"] or 0) + 1
        key, tracking = str(uuid.uuid4()), f"1ZEX{division % 10000:04d}{number:08d}"
        delivery_lines = [{
            "ID": str(uuid.uuid4()), "EntryID": key, "LineNumber": n, "Item": line["Item"], "ItemCode": line["ItemCode"],
            "ItemDescription": line.get("Description"), "Description": line.get("Description"),
            "QuantityDelivered": float(shares[package]), "QuantityOrdered": line["Quantity"],
            "SalesOrderLineID": line["ID"], "SalesOrderLineNumber": line["LineNumber"],
            "SalesOrderNumber": document.number, "TrackingNumber": None, "Unitcode": "pc", "Notes": None,
            "DeliveryDate": _ms(now), "Created": _ms(now), "Modified": _ms(now), "Division": division,
        } for n, (line, shares) in enumerate(plan, start=1)]
        entity = {
            "EntryID": key, "DeliveryNumber": number, "EntryNumber": number, "Division": division,
            "DeliveryAccount": document.data.get("DeliverTo"), "DeliveryAccountName": document.data.get("OrderedByName"),
            "DeliveryDate": _ms(now), "Description": document.data.get("Description"), "Remarks": None,
            "ShippingMethod": data.guid("shippingmethod", carrier), "ShippingMethodCode": carrier,
            "ShippingMethodDescription": carrier, "TrackingNumber": tracking,
            "Warehouse": document.data.get("WarehouseID"), "WarehouseCode": document.data.get("WarehouseCode"),
            "Created": _ms(now), "Modified": _ms(now), "GoodsDeliveryLines": delivery_lines,
        }
        GoodsDelivery.objects.create(account=account, division=division, key=key, number=number, data=entity,
                                     created_at=now)
        shipped += [{"line": walmart_line(line), "item": line["ItemCode"], "quantity": shares[package],
                     "carrier": carrier, "tracking_number": tracking, "order": document.number, "delivery": number,
                     "entry_id": key} for line, shares in plan]
    for line, shares in plan:
        delivered = Decimal(str(line.get("QuantityDelivered") or 0)) + sum(shares)
        line["QuantityDelivered"] = float(delivered)
        line["DeliveryStatus"] = COMPLETE if delivered >= Decimal(str(line["Quantity"])) else PARTIAL
    _settle(document, now)
    return shipped


@transaction.atomic
def cancel_line(reference, line, quantity=None):
    """Cancel what is open of one line (Walmart line number `line`). Nothing delivered: DeliveryStatus 45
    (Cancelled). Part delivered: the line is completed short (DeliveryStatus 21, QuantityDelivered below
    Quantity), as closing the rest in Exact does. Exact cannot cancel part of what is open: a `quantity`
    below the open quantity is refused."""
    document = _order(reference)
    (row,) = _chosen(document, [line])
    open_qty = _open(row)
    if quantity is not None and Decimal(str(quantity)) != open_qty:
        raise ValueError(f"Exact Online sandbox: Exact cancels what is open of a line, all of it "
                         f"({_q(open_qty)} on Walmart line {line}), not {_q(quantity)}")
    row["DeliveryStatus"] = CANCELLED if not row.get("QuantityDelivered") else COMPLETE
    row["OrderStatus"] = row["DeliveryStatus"]
    _settle(document, clock.now())
    return {"order": document.number, "line": str(line), "item": row["ItemCode"],
            "status": row["DeliveryStatus"], "quantity": open_qty}


def touch_items(n):
    raise ValueError("Exact Online sandbox: items_out is not offered for Exact Online (no touch-items); "
                     "use the IFS Cloud or Infor M3 sandbox")
