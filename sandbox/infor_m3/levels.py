"""Stock and base prices of the Infor M3 emulator, changed by hand (`manage.py sandbox set-stock /
set-price`) or in bulk (benchmarks): what an M3 user does with a stock count or in OIS017.

Shared by every tenant, like the catalog they override. Stock is the on-hand balance (STQT) of an
item in a warehouse (WHLO); allocations of open order lines still come off it in GetItmWhsBal's
AV01. M3 answers in text, so a quantity may be text that is not a number (clients must cope).
Prices go to the price list the emulator has (data.PRICE_LIST, valid from data.PRICE_LIST_FROM).
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from sandbox import clock
from sandbox.infor_m3 import data
from sandbox.infor_m3.models import BasePrice, ItemStock

CENT = Decimal("0.01")
BATCH = 2000


def _warehouse(whlo):
    if whlo not in data.warehouses():
        raise LookupError(f"Infor M3 has no warehouse {whlo} (known: {', '.join(sorted(data.warehouses()))})")
    return whlo


def _known(itno):
    if itno in data.items() or ItemStock.objects.filter(itno=itno).exists() or (
            BasePrice.objects.filter(tenant="", itno=itno).exists()):
        return itno
    raise LookupError(f"Infor M3 has no item {itno}")


def _text(quantity):
    if isinstance(quantity, Decimal):
        return format(quantity, "f")
    return str(quantity).strip()


def stock(itno, whlo):
    """The on-hand balance as stored (text), else the catalog's."""
    stored = ItemStock.objects.filter(itno=itno, whlo=whlo).values_list("quantity", flat=True).first()
    if stored is not None:
        return stored
    found = data.items().get(itno)
    return _text(Decimal(found.stock.get(whlo, 0))) if found else "0"


def set_stock(item, warehouse, quantity):
    """Set the item's on-hand balance in the warehouse: a Decimal, or text M3 would answer as is
    (e.g. "N/A"). Returns (old, new) as text."""
    whlo, itno, new = _warehouse(warehouse), _known(item), _text(quantity)
    if not new or len(new) > 20:
        raise ValueError("an M3 quantity is 1 to 20 characters")
    old = stock(itno, whlo)
    ItemStock.objects.update_or_create(itno=itno, whlo=whlo, defaults={"quantity": new, "changed_at": clock.now()})
    return old, new


def current_price(itno, currency=data.PRICE_LIST_CURRENCY):
    stored = BasePrice.objects.filter(tenant="", prrf=data.PRICE_LIST, cucd=currency, itno=itno).first()
    if stored is not None:
        return stored.sapr
    found = data.items().get(itno)
    return found.price if found and currency == data.PRICE_LIST_CURRENCY else None


@transaction.atomic
def set_price(item, price=None, change_percent=None, currency=None):
    """Set (or change by a percentage) the item's base price (OIS017 SAPR) in `currency` (default the
    list's, USD), for every tenant: a price a tenant changed through OIS017MI/UpdBasePrice is
    changed too. Returns (old, new); old is None for a first price in a new currency."""
    itno, currency = _known(item), (currency or data.PRICE_LIST_CURRENCY).upper()
    if (price is None) == (change_percent is None):
        raise ValueError("give either a price or a percent change")
    old = current_price(itno, currency)
    try:
        if price is not None:
            new = Decimal(str(price))
        elif old is None:
            raise ValueError(f"Infor M3 has no {currency} price for {itno} to change by a percentage")
        else:
            new = (old * (1 + Decimal(str(change_percent)) / 100)).quantize(CENT)
    except InvalidOperation:
        raise ValueError(f"{price if price is not None else change_percent!r} is not a number") from None
    if new <= 0:
        raise ValueError("M3 refuses a base price of zero or less")
    keys = {"prrf": data.PRICE_LIST, "cucd": currency, "fvdt": data.PRICE_LIST_FROM, "itno": itno}
    BasePrice.objects.update_or_create(tenant="", **keys, defaults={"sapr": new, "changed_at": clock.now()})
    BasePrice.objects.filter(**keys).exclude(tenant="").update(sapr=new, changed_at=clock.now())
    return old, new


def bulk_stock(rows):
    """Benchmarks: (item, warehouse, quantity) rows as on-hand balances; the items need not be in the
    catalog (a stock row makes an item known to GetItmWhsBal). Returns the number of rows."""
    now = clock.now()
    objects = [ItemStock(itno=itno, whlo=_warehouse(whlo), quantity=_text(qty), changed_at=now) for itno, whlo, qty in rows]
    ItemStock.objects.bulk_create(objects, batch_size=BATCH, update_conflicts=True, unique_fields=["itno", "whlo"],
                                  update_fields=["quantity", "changed_at"])
    return len(objects)


def bulk_prices(rows, *, currency=data.PRICE_LIST_CURRENCY):
    """Benchmarks: (item, price) rows as base prices of the price list, for every tenant."""
    now = clock.now()
    objects = [BasePrice(tenant="", prrf=data.PRICE_LIST, cucd=currency, fvdt=data.PRICE_LIST_FROM, itno=itno,
                         sapr=Decimal(str(sapr)), changed_at=now) for itno, sapr in rows]
    BasePrice.objects.bulk_create(objects, batch_size=BATCH, update_conflicts=True,
                                  unique_fields=["tenant", "prrf", "cucd", "fvdt", "itno"],
                                  update_fields=["sapr", "changed_at"])
    return len(objects)
