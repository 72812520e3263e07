"""The emulated division's items and stock as the REST endpoints serve them: the catalog, overlaid by what
was set (sandbox.exact_online.levels) or counted (processed stock counts).

Each collection comes with a version that changes whenever it does, so odata.query can keep the
filtered, sorted collection between the pages of one read (a 10,000-row warehouse is read in 170 pages).
"""

from decimal import Decimal

from django.db.models import Count, Max, Q

from sandbox.exact_online import data
from sandbox.exact_online.models import Document, ItemPrice, ItemStock


def _stock_rows_of(account):
    return ItemStock.objects.filter(Q(account=account) | Q(account__isnull=True))


def items_version():
    agg = ItemPrice.objects.aggregate(n=Count("id"), last=Max("modified_at"), top=Max("id"))
    extra = ItemStock.objects.aggregate(n=Count("item_code", distinct=True))
    return ("items", agg["n"], agg["last"], agg["top"], extra["n"])


def items():
    """logistics/Items rows: the catalog's items with set prices, then items only levels know of."""
    prices = {p.item_code: p for p in ItemPrice.objects.all()}
    rows = []
    for item in data.items():
        price = prices.pop(item["Code"], None)
        rows.append(_priced(item, price) if price else item)
    known = {row["Code"] for row in rows}
    codes = set(prices) | set(ItemStock.objects.values_list("item_code", flat=True).distinct())
    for code in sorted(codes - known):
        rows.append(_priced(_extra_item(code), prices.get(code)))
    return rows


def _priced(item, price):
    if price is None:
        return item
    return {**item, "StandardSalesPrice": price.price,
            "CostPriceStandard": price.cost if price.cost is not None else item["CostPriceStandard"],
            "Modified": price.modified_at}


def _extra_item(code):
    """An item the catalog does not have (benchmarks set stock and prices for thousands of codes)."""
    return {"ID": data.guid("item", code), "Code": code, "Description": f"Item {code}", "IsSalesItem": True,
            "IsStockItem": True, "StandardSalesPrice": Decimal(0),
            "CostPriceStandard": Decimal(0), "Unit": "pc", "Barcode": None,
            "ItemGroupCode": "OTHER", "Created": data.CREATED, "Modified": data.CREATED}


def item_by_id():
    """Items by GUID (for documents and stock counts): the catalog and the items levels created."""
    return {row["ID"]: row for row in items()}


def stock_version(account, division):
    stock = _stock_rows_of(account).aggregate(n=Count("id"), last=Max("timestamp"))
    orders = Document.objects.filter(account=account, division=division, kind=Document.Kind.SALES_ORDER,
                                     deleted=False).aggregate(n=Count("id"), last=Max("id"))
    return ("stock", account.pk, division, stock["n"], stock["last"], orders["n"], orders["last"])


def stock_rows(account, division):
    """Per item and warehouse: the latest of catalog, set and counted stock, and what open sales orders
    plan to take out. Keyed like Exact's ItemWarehouses (ID) with the sync API's Timestamp."""
    levels = dict(data.catalog_stock())
    for code, warehouse, quantity, timestamp in (_stock_rows_of(account).order_by("timestamp")
                                                 .values_list("item_code", "warehouse", "quantity", "timestamp")):
        levels[(code, warehouse)] = (quantity, timestamp)  # ordered by timestamp: the latest wins
    planned = {}
    for doc in Document.objects.filter(account=account, division=division, kind=Document.Kind.SALES_ORDER,
                                       deleted=False, data__Status=12):
        for line in doc.data.get("SalesOrderLines", []):
            slot = (line.get("ItemCode"), doc.data.get("WarehouseCode"))
            planned[slot] = planned.get(slot, Decimal(0)) + Decimal(str(line.get("Quantity") or 0))
    catalog = {i["Code"]: i for i in data.items()}
    warehouses = data.warehouse_by_code()
    rows = []
    for (code, wh), (quantity, timestamp) in levels.items():
        warehouse = warehouses.get(wh)
        if warehouse is None:
            continue  # levels for a warehouse the division does not have are not served
        item = catalog.get(code)
        out = planned.get((code, wh), Decimal(0))
        rows.append({"ID": data.guid("itemwarehouse", f"{code}:{wh}"),
                     "Item": item["ID"] if item else data.guid("item", code), "ItemCode": code,
                     "ItemDescription": item["Description"] if item else f"Item {code}",
                     "Warehouse": warehouse["ID"], "WarehouseCode": wh, "CurrentStock": quantity,
                     "PlannedStockIn": Decimal(0), "PlannedStockOut": out, "ProjectedStock": quantity - out,
                     "ReservedStock": Decimal(0), "SafetyStock": Decimal(0), "Timestamp": int(timestamp)})
    return rows


def latest_timestamp():
    """The highest sync Timestamp of any stock row (catalog or stored): the next change gets a higher one."""
    stored = ItemStock.objects.aggregate(t=Max("timestamp"))["t"] or 0
    return max(stored, max(t for _, t in data.catalog_stock().values()))
