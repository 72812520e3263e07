"""The emulated division's reference data, derived from the shared demo catalog (sandbox.catalog).

GUIDs are derived from codes (uuid5), so every run and every sandbox account sees the same IDs,
as a real division's IDs never change. Rows are entity dicts in Exact's field names, with native
values (Decimal, datetime); odata.py renders them.
"""

import uuid
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal
from functools import lru_cache

from sandbox import catalog

NAMESPACE = uuid.UUID("6f1d3c4e-8a7b-4e53-9c2d-5b0e1a7f3e21")
CREATED = datetime(2024, 1, 2, 9, 0, tzinfo=dt_timezone.utc)
SALES_JOURNALS = ("70",)
# Exact's sync Timestamps are large row versions; clients start with "Timestamp gt 1".
FIRST_TIMESTAMP = 100_000_001  # Exact's default sales journal code in a new administration
# Non-stock service items a connector posts Walmart's shipping and marketplace-collected sales tax with
# (code, description); real divisions name their own, the connection's config says which.
SERVICE_ITEMS = (("SHIPPING", "Shipping charged to the customer"), ("SALESTAX", "Sales tax collected by Walmart"))
# GL account Type per catalog role (Exact: 20 accounts receivable, 110 revenue, 120 other costs, 90 tax).
GL_TYPES = {"receivable": 20, "tax_payable": 90, "fees": 120}


def guid(kind, code):
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{code}"))


@lru_cache(maxsize=1)
def warehouses():
    return tuple({"ID": guid("warehouse", n.warehouse), "Code": n.warehouse, "Description": n.name}
                 for n in catalog.SHIP_NODES if n.warehouse)


def warehouse_by_id():
    return {w["ID"]: w for w in warehouses()}


def warehouse_by_code():
    return {w["Code"]: w for w in warehouses()}


def barcode(gtin):
    """A catalog GTIN-14 as an Exact user keys it in as the item's Barcode: EAN-13 when it starts with 0."""
    return gtin[1:] if gtin.startswith("0") else gtin


@lru_cache(maxsize=1)
def items():
    return tuple({
        "ID": guid("item", i.item_code), "Code": i.item_code, "Description": i.name, "IsSalesItem": True,
        "IsStockItem": True, "StandardSalesPrice": i.price, "CostPriceStandard": i.cost, "Unit": "pc",
        "Barcode": barcode(i.gtin), "ItemGroupCode": i.category.upper().replace(" ", "")[:10], "Created": CREATED,
        "Modified": CREATED,
    } for i in catalog.items()) + tuple({
        "ID": guid("item", code), "Code": code, "Description": description, "IsSalesItem": True,
        "IsStockItem": False, "StandardSalesPrice": Decimal(0), "CostPriceStandard": Decimal(0), "Unit": "pc",
        "Barcode": None, "ItemGroupCode": "SERVICE", "Created": CREATED, "Modified": CREATED,
    } for code, description in SERVICE_ITEMS)


def item_by_id():
    return {i["ID"]: i for i in items()}


@lru_cache(maxsize=1)
def catalog_stock():
    """(item code, warehouse code) -> (quantity, sync timestamp) as the catalog sets them."""
    result, timestamp = {}, FIRST_TIMESTAMP - 1
    for item in catalog.items():
        for code, quantity in sorted(item.stock.items()):
            if code:
                timestamp += 1
                result[(item.item_code, code)] = (Decimal(quantity), timestamp)
    return result


@lru_cache(maxsize=1)
def gl_accounts():
    rows = []
    for role, (code, description) in catalog.GL_ACCOUNTS.items():
        balance = "B" if role in ("receivable", "tax_payable") else "W"
        rows.append({
            "ID": guid("glaccount", code), "Code": code, "Description": description,
            "Type": GL_TYPES.get(role, 110), "BalanceType": balance, "BalanceSide": "D" if role in ("receivable", "fees") else "C",
            "IsBlocked": False, "UseCostcenter": 0, "Created": CREATED, "Modified": CREATED,
        })
    return tuple(rows)


def gl_account_by_id():
    return {g["ID"]: g for g in gl_accounts()}


@lru_cache(maxsize=1)
def cost_centers():
    return tuple({"ID": guid("costcenter", code), "Code": code, "Description": description, "Active": True,
                  "Created": CREATED} for code, description in catalog.COST_CENTERS.items())


@lru_cache(maxsize=1)
def accounts():
    """The Walmart customer. Exact's account Code is 18 characters, left-padded with spaces."""
    return ({
        "ID": guid("account", catalog.CUSTOMER_NO), "Code": catalog.CUSTOMER_NO.rjust(18), "Name": catalog.CUSTOMER_NAME,
        "Status": "C", "IsSales": True, "IsSupplier": False, "Blocked": False, "Country": "US",
        "Created": CREATED, "Modified": CREATED,
    },)


def account_by_id():
    return {a["ID"]: a for a in accounts()}
