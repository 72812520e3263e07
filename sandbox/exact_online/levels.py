"""Set stock and prices in the Exact Online emulator, as staff would in Exact (`manage.py sandbox
set-stock` / `set-price` dispatch here by name) and in bulk for benchmarks.

Stock set here is the division's (every sandbox app sees it, apps provisioned later too); a stock
count an app processes later overrides it for that app, as the latest change wins (sync Timestamp).
Prices are item master data (logistics/Items StandardSalesPrice, CostPriceStandard), in the division's
currency. Item codes the catalog lacks become items of the division.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q

from sandbox import clock
from sandbox.exact_online import data, inventory
from sandbox.exact_online.models import ItemPrice, ItemStock

CURRENCY = "USD"  # the sandbox division's currency
CENT = Decimal("0.01")


def _warehouse(code):
    if code not in data.warehouse_by_code():
        raise ValueError(f"the Exact sandbox division has no warehouse {code!r} "
                         f"(it has {', '.join(sorted(data.warehouse_by_code()))})")
    return code


def _item(code):
    code = str(code or "").strip()
    if not code:
        raise ValueError("an item code is required")
    return code


def _quantity(value):
    quantity = Decimal(str(value))
    if not quantity.is_finite():
        raise ValueError(f"not a quantity: {value!r}")
    return quantity


def stock_of(item, warehouse, account=None):
    """The CurrentStock ItemWarehouses serves for `item` at `warehouse` (to `account`'s app when given,
    else what the division-wide level says); None when there is no stock record."""
    rows = ItemStock.objects.filter(item_code=item, warehouse=warehouse)
    rows = rows.filter(Q(account=account) | Q(account__isnull=True)) if account else rows.filter(account__isnull=True)
    row = rows.order_by("-timestamp").first()
    if row is not None:
        return row.quantity
    catalog = data.catalog_stock().get((item, warehouse))
    return catalog[0] if catalog else None


def set_stock(item, warehouse, quantity):
    """Set the stock of `item` at `warehouse` for the whole sandbox division; returns (old, new)."""
    item, warehouse, quantity = _item(item), _warehouse(warehouse), _quantity(quantity)
    with transaction.atomic():
        old = stock_of(item, warehouse)
        ItemStock.objects.update_or_create(account=None, item_code=item, warehouse=warehouse,
                                           defaults={"quantity": quantity,
                                                     "timestamp": inventory.latest_timestamp() + 1})
    return old, quantity


def bulk_stock(rows):
    """Set many levels at once: rows of (item, warehouse, quantity). Returns how many were set."""
    levels = {}
    for item, warehouse, quantity in rows:
        levels[(_item(item), _warehouse(warehouse))] = _quantity(quantity)
    with transaction.atomic():
        keys = list(levels)
        for start in range(0, len(keys), 500):  # OR-ed lookups kept under SQLite's expression depth
            chunk = keys[start:start + 500]
            where = Q()
            for item, warehouse in chunk:
                where |= Q(item_code=item, warehouse=warehouse)
            ItemStock.objects.filter(account__isnull=True).filter(where).delete()
        first = inventory.latest_timestamp() + 1
        ItemStock.objects.bulk_create(
            [ItemStock(account=None, item_code=item, warehouse=warehouse, quantity=quantity, timestamp=first + n)
             for n, ((item, warehouse), quantity) in enumerate(levels.items())], batch_size=1000)
    return len(levels)


def price_of(item):
    """(price, cost) as logistics/Items serves them; (None, None) for an item the division lacks."""
    stored = ItemPrice.objects.filter(item_code=item).first()
    catalog = {row["Code"]: row for row in data.items()}.get(item)
    if stored is not None:
        return stored.price, stored.cost if stored.cost is not None else (catalog or {}).get("CostPriceStandard")
    if catalog is not None:
        return catalog["StandardSalesPrice"], catalog["CostPriceStandard"]
    return None, None


def set_price(item, price=None, change_percent=None, currency=None):
    """Set an item's standard sales price, or change it by `change_percent` (10 = +10 %); returns (old, new).

    `currency` may only be the division's: Exact's StandardSalesPrice has no currency of its own.
    """
    item = _item(item)
    if (price is None) == (change_percent is None):
        raise ValueError("give either a price or a change_percent")
    if currency and currency.upper() != CURRENCY:
        raise ValueError(f"the Exact sandbox division's currency is {CURRENCY}; item prices are in it")
    with transaction.atomic():
        old, cost = price_of(item)
        if price is not None:
            new = Decimal(str(price))
        elif old is None:
            raise ValueError(f"item {item} has no price to change by a percentage")
        else:
            new = Decimal(old) * (1 + Decimal(str(change_percent)) / 100)
        new = new.quantize(CENT, rounding=ROUND_HALF_UP)
        if new < 0:
            raise ValueError(f"a price cannot be negative ({new})")
        ItemPrice.objects.update_or_create(item_code=item, defaults={"price": new, "cost": cost,
                                                                     "modified_at": clock.now()})
    return old, new


def bulk_prices(rows):
    """Set many prices at once: rows of (item, price) or (item, price, cost). Returns how many were set."""
    prices = {}
    for row in rows:
        item, price, cost = (tuple(row) + (None,))[:3]
        prices[_item(item)] = (Decimal(str(price)).quantize(CENT, rounding=ROUND_HALF_UP),
                               Decimal(str(cost)) if cost is not None else None)
    now = clock.now()
    with transaction.atomic():
        codes = list(prices)
        for start in range(0, len(codes), 500):
            ItemPrice.objects.filter(item_code__in=codes[start:start + 500]).delete()
        ItemPrice.objects.bulk_create([ItemPrice(item_code=code, price=price, cost=cost, modified_at=now)
                                       for code, (price, cost) in prices.items()], batch_size=1000)
    return len(prices)
