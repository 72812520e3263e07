"""Lookups the M3 programs share: catalog items and warehouses, seeded customers, stock balances."""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.db.models import F, Q, Sum

from sandbox import catalog
from sandbox.infor_m3.mi import MIError, not_found
from sandbox.infor_m3.models import Customer, ItemStock, OrderLine

ORDER_TYPES = {"W01": "Walmart marketplace orders", "CO1": "Customer order"}
FACILITIES = {"A01": "Main facility"}
CUSTOMER_TEMPLATES = {"MKTPL": "Marketplace customer"}
# Order charge ids (OIS030), as an implementer sets them up for marketplace orders.
CHARGES = {"FRT": "Freight", "MPTAX": "Marketplace facilitator tax", "FEE": "Marketplace fee"}
ADDRESS_TYPES = {"1": "Delivery address", "3": "Invoice address"}
DEFAULT_ORDER_TYPE, DEFAULT_FACILITY = "W01", "A01"
PRICE_LIST, PRICE_LIST_FROM, PRICE_LIST_CURRENCY = "WALMART", "20260101", "USD"
ITEMS_CHANGED = "20260101"  # the catalog's items all carry this change date (LMDT)
# Every catalog item carries its GTIN as an EAN alias (MMS025, MITPOP): category 2, as an M3 user
# keys it in, i.e. EAN-13 (the GTIN-14 without its leading 0). The qualifier is illustrative.
EAN_ALIAS_CATEGORY, EAN_ALIAS_QUALIFIER = 2, "EA13"


@lru_cache(maxsize=1)
def items():
    return {i.item_code: i for i in catalog.items()}


def ean(gtin):
    """A GTIN-14 as the EAN an M3 user keys in: 13 digits when the GTIN-14 starts with 0."""
    return gtin[1:] if gtin.startswith("0") else gtin


@lru_cache(maxsize=1)
def catalog_aliases():
    """(ALWT, ALWQ, ITNO, POPN) of the catalog items' EAN aliases."""
    return tuple((EAN_ALIAS_CATEGORY, EAN_ALIAS_QUALIFIER, i.item_code, ean(i.gtin)) for i in catalog.items())


def item(itno):
    found = items().get(itno)
    if found is None:
        raise not_found("ITNO", itno, "WIT0103")
    return found


def warehouses():
    return {node.warehouse: node for node in catalog.SHIP_NODES if node.warehouse}


def warehouse(whlo):
    if whlo not in warehouses():
        raise not_found("WHLO", whlo, "WWH0103")
    return whlo


def choice(field, value, known):
    if value not in known:
        raise not_found(field, value)
    return value


def ensure_tenant(ctx):
    """Every tenant starts with the catalog's marketplace customer (as if set up by the implementer)."""
    Customer.objects.get_or_create(
        tenant=ctx.tenant, cono=ctx.cono, cuno=catalog.CUSTOMER_NO,
        defaults={"cunm": catalog.CUSTOMER_NAME, "cua1": "702 SW 8th St", "town": "Bentonville", "pono": "72716",
                  "cscd": "US", "cutm": "MKTPL", "changed_at": ctx.now()},
    )


def customer(ctx, cuno):
    found = Customer.objects.filter(tenant=ctx.tenant, cono=ctx.cono, cuno=cuno).first()
    if found is None:
        raise not_found("CUNO", cuno, "WCU0103")
    if found.stat != "20":
        raise MIError(f"Customer {cuno} has status {found.stat} and cannot be used", "CUNO", "WCU0104")
    return found


def number(text):
    """A stored quantity as a Decimal; None when it is not a number (kept as text)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# What a confirmed line still holds of the warehouse: ordered, less delivered (partial deliveries)
# and less what was closed short or cancelled.
OPEN = F("orqt") - F("dlqt") - F("cnqt")


def balance(ctx, itno, whlo):
    """(on hand, allocated) for an item in a warehouse: catalog stock minus delivered quantities, and
    the open quantities of order lines as allocated.
    A stored ItemStock is the on-hand balance as counted (deliveries are in it already); one
    that is not a number counts as 0 here (orders cannot allocate it)."""
    stored = ItemStock.objects.filter(itno=itno, whlo=whlo).values_list("quantity", flat=True).first()
    on_hand = Decimal(item(itno).stock.get(whlo, 0)) if stored is None else (number(stored) or Decimal(0))
    lines = OrderLine.objects.filter(order__tenant=ctx.tenant, order__cono=ctx.cono, order__confirmed=True,
                                     itno=itno, whlo=whlo)
    delivered = Decimal(0) if stored is not None else (lines.aggregate(q=Sum("dlqt"))["q"] or Decimal(0))
    allocated = lines.filter(orst__lt="66").aggregate(q=Sum(OPEN))["q"] or Decimal(0)
    return on_hand - delivered, allocated


def warehouse_balances(ctx, whlo, itno):
    """{ITNO: (on hand, allocated)} of `itno` and every item the bulk request reads, in a warehouse,
    in three queries, kept on `ctx` for the rest of the request: a bulk of 1,000 GetItmWhsBal reads
    costs no query per read. The same numbers as balance(); a stored value that is not a number comes
    back as its text, allocated 0. Items neither in the catalog nor stored are missing."""
    key = ("balances", whlo)
    if key not in ctx.cache:
        itnos = list(ctx.batch_values("ITNO") | {itno})
        catalog_items = items()
        on_hand = {code: Decimal(catalog_items[code].stock.get(whlo, 0)) for code in itnos if code in catalog_items}
        moves, stored = {}, {}
        for start in range(0, len(itnos), 900):  # SQLite's older builds take 999 parameters per query
            chunk = itnos[start:start + 900]
            lines = (OrderLine.objects.filter(order__tenant=ctx.tenant, order__cono=ctx.cono, order__confirmed=True,
                                              whlo=whlo, itno__in=chunk).values("itno")
                     .annotate(delivered=Sum("dlqt"), allocated=Sum(OPEN, filter=Q(orst__lt="66"))))
            moves.update({row["itno"]: (row["delivered"] or Decimal(0), row["allocated"] or Decimal(0)) for row in lines})
            stored.update(ItemStock.objects.filter(whlo=whlo, itno__in=chunk).values_list("itno", "quantity"))
        table = {code: (qty - moves.get(code, (0, 0))[0], moves.get(code, (0, 0))[1]) for code, qty in on_hand.items()}
        for itno, text in stored.items():
            value = number(text)
            table[itno] = (text, Decimal(0)) if value is None else (value, moves.get(itno, (0, 0))[1])
        ctx.cache[key] = table
    return ctx.cache[key]
