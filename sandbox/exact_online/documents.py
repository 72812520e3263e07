"""Sales orders, sales invoices / credit notes and stock counts: validated like Exact, stored, announced by webhook.

Exact's rules kept here: OrderedBy, items, G/L accounts and cost centers must exist; Journal is
mandatory on invoices; Type 8020 (invoice) or 8021 (credit note, amounts negative); numbers are
given by Exact; YourRef is free text the connector searches by. Error texts follow Exact's
"<field>: <problem>" style (the exact wording of Exact's messages is not documented publicly).
"""

import json
import re
import uuid
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max

from sandbox import clock
from sandbox.exact_online import data, inventory, webhooks
from sandbox.exact_online import levels as inventory_levels
from sandbox.exact_online.models import Document, ItemStock, StockCount

CENT = Decimal("0.01")
INVOICE_TYPES = {8020: "Sales invoice", 8021: "Sales credit note"}
# The properties of each entity type (for $select and $filter checks, even on an empty collection).
SALES_ORDER_FIELDS = (
    "OrderID", "OrderNumber", "YourRef", "Division", "OrderedBy", "OrderedByName", "InvoiceTo", "DeliverTo", "OrderDate",
    "Description", "Remarks", "Status", "StatusDescription", "ApprovalStatus", "WarehouseID", "WarehouseCode",
    "Currency", "AmountFC", "AmountDC", "AmountFCExclVat", "Created", "Modified")
SALES_ORDER_LINE_FIELDS = ("ID", "OrderID", "OrderNumber", "LineNumber", "Item", "ItemCode", "Description", "Quantity",
                           "UnitPrice", "NetPrice", "AmountFC", "VATCode", "CostCenter", "Notes", "QuantityDelivered",
                           "DeliveryStatus", "OrderStatus")
SALES_INVOICE_FIELDS = (
    "InvoiceID", "InvoiceNumber", "Type", "TypeDescription", "YourRef", "Division", "Journal", "OrderedBy",
    "OrderedByName", "InvoiceTo", "InvoiceToName", "InvoiceDate", "OrderDate", "Description", "Remarks", "Status",
    "StatusDescription", "Currency", "AmountFC", "AmountDC", "AmountFCExclVat", "VATAmountFC", "Created", "Modified")
SALES_INVOICE_LINE_FIELDS = ("ID", "InvoiceID", "LineNumber", "Item", "ItemCode", "Description", "Quantity",
                             "UnitPrice", "NetPrice", "AmountFC", "GLAccount", "GLAccountCode", "VATCode", "CostCenter",
                             "Notes")
# Goods deliveries: the fields of picqer's GoodsDelivery / GoodsDeliveryLine docblocks (Exact's reference).
GOODS_DELIVERY_FIELDS = (
    "EntryID", "Created", "DeliveryAccount", "DeliveryAccountCode", "DeliveryAccountName", "DeliveryDate",
    "DeliveryNumber", "Description", "Division", "EntryNumber", "Modified", "Remarks", "ShippingMethod",
    "ShippingMethodCode", "ShippingMethodDescription", "TrackingNumber", "Warehouse", "WarehouseCode")
GOODS_DELIVERY_LINE_FIELDS = (
    "ID", "Created", "DeliveryDate", "Description", "Division", "EntryID", "Item", "ItemCode", "ItemDescription",
    "LineNumber", "Modified", "Notes", "QuantityDelivered", "QuantityOrdered", "SalesOrderLineID",
    "SalesOrderLineNumber", "SalesOrderNumber", "TrackingNumber", "Unitcode")
STOCK_COUNT_FIELDS = ("StockCountID", "StockCountNumber", "Division", "Description", "Warehouse", "WarehouseCode",
                      "WarehouseDescription", "Status", "Source", "EntryNumber", "StockCountDate", "Created",
                      "Modified")
_DATE = re.compile(r"^/Date\((-?\d+)\)/$")


class Invalid(ValueError):
    """A payload Exact would refuse with 400 and this message."""


def _decimal(value, field):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Invalid(f"{field}: invalid number {value!r}") from None


def _date(value, default):
    """An ISO 8601 date or Exact's /Date(ms)/ from a request body; `default` when absent."""
    if not value:
        return default
    text = str(value)
    match = _DATE.match(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=dt_timezone.utc)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"Invalid date {text!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt_timezone.utc)


def _ms(instant):
    return f"/Date({int(instant.timestamp() * 1000)})/"


def _customer(body, field="OrderedBy", required=True):
    value = str(body.get(field) or "").lower()
    if not value:
        if required:
            raise Invalid(f"{field}: Mandatory")
        return None
    account = data.account_by_id().get(value)
    if account is None:
        raise Invalid(f"{field}: Invalid reference guid'{value}' (no such account)")
    return account


def _lines(body, nav, *, invoice):
    lines = (body.get(nav) or {})
    lines = lines.get("results", []) if isinstance(lines, dict) else lines
    if not lines:
        raise Invalid(f"{nav}: at least one line is required")
    items, gl_accounts = data.item_by_id(), data.gl_account_by_id()
    cost_centers = {c["Code"] for c in data.cost_centers()}
    revenue = data.guid("glaccount", "8000")
    out = []
    for n, line in enumerate(lines, start=1):
        item = items.get(str(line.get("Item") or "").lower())
        if line.get("Item") and item is None:
            raise Invalid(f"Line {n}: Item: Invalid reference guid'{line['Item']}'")
        gl = str(line.get("GLAccount") or "").lower() or (revenue if invoice and item else "")
        if invoice and not gl:
            raise Invalid(f"Line {n}: G/L account: Mandatory")
        if gl and gl not in gl_accounts:
            raise Invalid(f"Line {n}: G/L account: Invalid reference guid'{line['GLAccount']}' (G/L account does not exist)")
        if not item and not invoice:
            raise Invalid(f"Line {n}: Item: Mandatory")
        if line.get("CostCenter") and line["CostCenter"] not in cost_centers:
            raise Invalid(f"Line {n}: Cost center: Invalid reference '{line['CostCenter']}'")
        quantity = _decimal(line.get("Quantity", 1), f"Line {n}: Quantity")
        price = _decimal(line["UnitPrice"], f"Line {n}: UnitPrice") if line.get("UnitPrice") is not None else (
            item["StandardSalesPrice"] if item else Decimal(0))
        out.append({
            "ID": str(uuid.uuid4()), "LineNumber": n, "Item": item["ID"] if item else None,
            "ItemCode": item["Code"] if item else None,
            "Description": line.get("Description") or (item["Description"] if item else ""),
            "Quantity": float(quantity), "UnitPrice": float(price), "NetPrice": float(price),
            "AmountFC": float((quantity * price).quantize(CENT)), "VATCode": line.get("VATCode"),
            "CostCenter": line.get("CostCenter"), "Notes": line.get("Notes"),
            **({"GLAccount": gl, "GLAccountCode": gl_accounts[gl]["Code"]} if gl else {}),
        })
    return out


def _save(account, division, kind, key, build, type_=None, your_ref=""):
    """Store with the next document number (retrying if two requests took the same one)."""
    for _ in range(5):
        number = (Document.objects.filter(account=account, division=division, kind=kind)
                  .aggregate(n=Max("number"))["n"] or 0) + 1
        entity = build(number)
        try:
            with transaction.atomic():
                return Document.objects.create(
                    account=account, division=division, kind=kind, key=key, number=number, type=type_,
                    your_ref=your_ref, data=json.loads(json.dumps(entity)), created_at=clock.now(),
                )
        except IntegrityError:
            continue
    raise Invalid("Could not assign a document number; try again")


def create_sales_order(account, division, body, endpoint):
    customer = _customer(body)
    lines = _lines(body, "SalesOrderLines", invoice=False)
    by_id, by_code = data.warehouse_by_id(), data.warehouse_by_code()
    warehouse = by_id.get(str(body.get("WarehouseID") or "").lower()) if body.get("WarehouseID") else (
        by_code.get(account.settings.get("default_warehouse", "")) or data.warehouses()[0])
    if warehouse is None:
        raise Invalid(f"WarehouseID: Invalid reference guid'{body['WarehouseID']}'")
    key, now = str(uuid.uuid4()), clock.now()
    total = sum(Decimal(str(line["AmountFC"])) for line in lines)

    def build(number):
        for line in lines:
            # Shipping status per line: 12 Open, 20 Partial, 21 Complete, 45 Cancelled (picqer SalesOrderLine).
            line.update(OrderID=key, OrderNumber=number, QuantityDelivered=0, DeliveryStatus=12, OrderStatus=12)
        return {
            "OrderID": key, "OrderNumber": number, "YourRef": body.get("YourRef") or None, "Division": division,
            "OrderedBy": customer["ID"], "OrderedByName": customer["Name"], "InvoiceTo": customer["ID"],
            "DeliverTo": customer["ID"], "OrderDate": _ms(_date(body.get("OrderDate"), now)),
            "Description": body.get("Description") or "", "Remarks": body.get("Remarks"), "Status": 12,
            "StatusDescription": "Open", "ApprovalStatus": int(body.get("ApprovalStatus") or 1),
            "WarehouseID": warehouse["ID"], "WarehouseCode": warehouse["Code"], "Currency": "USD",
            "AmountFC": float(total), "AmountDC": float(total), "AmountFCExclVat": float(total),
            "Created": _ms(now), "Modified": _ms(now), "SalesOrderLines": lines,
        }

    document = _save(account, division, Document.Kind.SALES_ORDER, key, build, your_ref=body.get("YourRef") or "")
    webhooks.announce(account, division, "SalesOrders", key, f"{endpoint}(guid'{key}')")
    return document


def create_sales_invoice(account, division, body, endpoint):
    try:
        type_ = int(body.get("Type") or 8020)
    except (TypeError, ValueError):
        raise Invalid(f"Type: invalid value {body.get('Type')!r}") from None
    if type_ not in INVOICE_TYPES:
        raise Invalid(f"Type: {type_} is not available (8020 sales invoice or 8021 sales credit note)")
    journal = str(body.get("Journal") or "").strip()
    journals = account.settings.get("sales_journals", list(data.SALES_JOURNALS))
    if not journal:
        raise Invalid("Journal: Mandatory")
    if journal not in journals:
        raise Invalid(f"Journal: Invalid reference '{journal}' (no such sales journal)")
    ordered_by = _customer(body)
    invoice_to = _customer(body, "InvoiceTo", required=False) or ordered_by
    lines = _lines(body, "SalesInvoiceLines", invoice=True)
    if type_ == 8021 and any(line["AmountFC"] > 0 for line in lines):
        raise Invalid("Credit note: amounts must be negative (enter negative quantities)")
    key, now = str(uuid.uuid4()), clock.now()
    total = sum(Decimal(str(line["AmountFC"])) for line in lines)

    def build(number):
        for line in lines:
            line["InvoiceID"] = key
        return {
            "InvoiceID": key, "InvoiceNumber": number, "Type": type_, "TypeDescription": INVOICE_TYPES[type_],
            "YourRef": body.get("YourRef") or None, "Division": division, "Journal": journal,
            "OrderedBy": ordered_by["ID"], "OrderedByName": ordered_by["Name"], "InvoiceTo": invoice_to["ID"],
            "InvoiceToName": invoice_to["Name"], "InvoiceDate": _ms(_date(body.get("InvoiceDate"), now)),
            "OrderDate": _ms(_date(body.get("OrderDate"), now)), "Description": body.get("Description") or "",
            "Remarks": body.get("Remarks"), "Status": 20, "StatusDescription": "Open", "Currency": "USD",
            "AmountFC": float(total), "AmountDC": float(total), "AmountFCExclVat": float(total), "VATAmountFC": 0,
            "Created": _ms(now), "Modified": _ms(now), "SalesInvoiceLines": lines,
        }

    document = _save(account, division, Document.Kind.SALES_INVOICE, key, build, type_=type_,
                     your_ref=body.get("YourRef") or "")
    webhooks.announce(account, division, "SalesInvoices", key, f"{endpoint}(guid'{key}')")
    return document


def create_stock_count(account, division, body):
    """A draft stock count (Status 12): nothing changes in stock until it is processed."""
    warehouse = data.warehouse_by_id().get(str(body.get("Warehouse") or "").lower())
    if warehouse is None:
        raise Invalid("Warehouse: Mandatory" if not body.get("Warehouse") else
                      f"Warehouse: Invalid reference guid'{body['Warehouse']}'")
    if not body.get("StockCountDate"):
        raise Invalid("StockCountDate: Mandatory")
    count_date = _date(body.get("StockCountDate"), None)
    lines = body.get("StockCountLines") or []
    lines = lines.get("results", []) if isinstance(lines, dict) else lines
    if not lines:
        raise Invalid("StockCountLines: at least one line is required")
    items, key, now = inventory.item_by_id(), str(uuid.uuid4()), clock.now()
    counted, seen = [], set()
    for n, line in enumerate(lines, start=1):
        item = items.get(str(line.get("Item") or "").lower())
        if item is None:
            raise Invalid(f"Line {n}: Item: Invalid reference guid'{line.get('Item')}'")
        if item["Code"] in seen:  # Exact allows it per storage location, which the sandbox does not emulate
            raise Invalid(f"Line {n}: Item {item['Code']} is already counted in this stock count")
        seen.add(item["Code"])
        if line.get("QuantityNew") is None:
            raise Invalid(f"Line {n}: QuantityNew: Mandatory")
        quantity = _decimal(line.get("QuantityNew"), f"Line {n}: QuantityNew")
        in_stock = inventory_levels.stock_of(item["Code"], warehouse["Code"], account) or Decimal(0)
        counted.append({"ID": str(uuid.uuid4()), "StockCountID": key, "LineNumber": n, "Item": item["ID"],
                        "ItemCode": item["Code"], "ItemDescription": item["Description"],
                        "QuantityInStock": float(in_stock), "QuantityNew": float(quantity),
                        "QuantityDifference": float(quantity - in_stock),
                        "CostPrice": float(item["CostPriceStandard"] or 0)})
    description = str(body.get("Description") or "")

    def build(number):
        return {"StockCountID": key, "StockCountNumber": number, "Division": division, "Description": description,
                "Warehouse": warehouse["ID"], "WarehouseCode": warehouse["Code"],
                "WarehouseDescription": warehouse["Description"], "Status": StockCount.Status.DRAFT.value,
                "Source": 4, "EntryNumber": None, "StockCountDate": _ms(count_date), "Created": _ms(now),
                "Modified": _ms(now), "StockCountLines": counted}

    for _ in range(5):
        number = (StockCount.objects.filter(account=account, division=division)
                  .aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return StockCount.objects.create(account=account, division=division, key=key, number=number,
                                                 warehouse=warehouse["Code"], description=description,
                                                 data=build(number), created_at=now)
        except IntegrityError:
            continue
    raise Invalid("Could not assign a stock count number; try again")


def process_stock_count(account, division, key):
    """Process a draft count: each line's QuantityNew becomes the item's stock (new sync Timestamps)."""
    try:
        key = str(uuid.UUID(str(key)))
    except ValueError:
        raise Invalid("StockCountID: Mandatory" if not key else f"StockCountID: Invalid reference '{key}'") from None
    now = clock.now()
    with transaction.atomic():
        count = StockCount.objects.select_for_update().filter(account=account, division=division, key=key).first()
        if count is None:
            raise Invalid(f"StockCountID: Invalid reference guid'{key}' (no such stock count)")
        if count.status == StockCount.Status.PROCESSED:
            raise Invalid(f"Stock count {count.number} has already been processed")
        latest = inventory.latest_timestamp()
        for n, line in enumerate(count.data["StockCountLines"], start=1):
            ItemStock.objects.update_or_create(account=account, item_code=line["ItemCode"], warehouse=count.warehouse,
                                               defaults={"quantity": Decimal(str(line["QuantityNew"])),
                                                         "timestamp": latest + n})
        entry = (StockCount.objects.filter(account=account, division=division, status=StockCount.Status.PROCESSED)
                 .count()) + 1
        count.data = {**count.data, "Status": StockCount.Status.PROCESSED.value, "EntryNumber": entry,
                      "Modified": _ms(now)}
        count.status, count.processed_at = StockCount.Status.PROCESSED, now
        count.save(update_fields=["data", "status", "processed_at"])
    return count


def native(entity):
    """A stored entity with Exact's /Date(ms)/ strings as datetimes and numbers as Decimal (for $filter)."""
    if isinstance(entity, dict):
        return {k: native(v) for k, v in entity.items()}
    if isinstance(entity, list):
        return [native(v) for v in entity]
    if isinstance(entity, float):
        return Decimal(str(entity))
    if isinstance(entity, str) and _DATE.match(entity):
        return _date(entity, None)
    return entity
