"""Stock of the PeopleSoft emulator (BU_ITEMS_INV), changed by hand (`manage.py sandbox set-stock`)
or in bulk (benchmarks). `warehouse` is the inventory business unit. PeopleSoft keeps quantities as
numbers (QAS answers JSON numbers), so text is refused. It has no prices_out (DESIGN §1): set_price
and bulk_prices refuse.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from sandbox import catalog
from sandbox.peoplesoft.models import ItemBalance

BATCH = 2000


def _number(value):
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"PeopleSoft keeps quantities as numbers; {value!r} is not one") from None
    if not number.is_finite():
        raise ValueError(f"PeopleSoft keeps quantities as numbers; {value!r} is not one")
    return number


def _unit(business_unit):
    if not ItemBalance.objects.filter(business_unit=business_unit).exists() and business_unit not in {
            n.warehouse for n in catalog.SHIP_NODES}:
        raise LookupError(f"PeopleSoft has no inventory business unit {business_unit}")
    return business_unit


@transaction.atomic
def set_stock(item, warehouse, quantity):
    """Make the item's available quantity in the business unit `quantity` (negative allowed): on hand
    becomes quantity + reserved. Returns (old available, new)."""
    quantity, unit = _number(quantity), _unit(warehouse)
    if item not in {i.item_code for i in catalog.items()} and not ItemBalance.objects.filter(inv_item_id=item).exists():
        raise LookupError(f"PeopleSoft has no item {item}")
    row = ItemBalance.objects.filter(business_unit=unit, inv_item_id=item).first()
    if row is None:
        ItemBalance.objects.create(business_unit=unit, inv_item_id=item, qty_onhand=quantity)
        return Decimal(0), quantity
    old = row.qty_onhand - row.qty_reserved
    row.qty_onhand = quantity + row.qty_reserved
    row.save(update_fields=["qty_onhand"])
    return old, quantity


def set_price(item, price=None, change_percent=None, currency=None):
    raise ValueError("PeopleSoft keeps no prices for the connector (no prices_out)")


def bulk_stock(rows):
    """Benchmarks: (item, business unit, quantity) rows as BU_ITEMS_INV balances (nothing reserved)."""
    objects = [ItemBalance(business_unit=unit, inv_item_id=item, qty_onhand=_number(qty), qty_reserved=0)
               for item, unit, qty in rows]
    ItemBalance.objects.bulk_create(objects, batch_size=BATCH, update_conflicts=True,
                                    unique_fields=["business_unit", "inv_item_id"],
                                    update_fields=["qty_onhand", "qty_reserved"])
    return len(objects)


def bulk_prices(rows):
    raise ValueError("PeopleSoft keeps no prices for the connector (no prices_out)")
