"""Stock and list prices of the IFS Cloud emulator, changed by hand (`manage.py sandbox set-stock /
set-price`) or in bulk (benchmarks): what an IFS user does with a count or a price update.

`warehouse` is the site (Contract, e.g. DAL1); the catalog's warehouse code (DAL) is taken for its
node's site. Without `realm`, a change applies in every realm (IFS instance) that has the site.
IFS keeps quantities and prices as numbers: text is refused here, as IFS would refuse it.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from sandbox import catalog
from sandbox.ifs_cloud.models import InventoryPartInStock, SalesPart, Site
from sandbox.ifs_cloud.seed import DEMO_REALM

CENT = Decimal("0.01")
BATCH = 2000


def _site(warehouse):
    by_code = {n.warehouse: n.ifs_site for n in catalog.SHIP_NODES}
    return by_code.get(warehouse, warehouse)


def _location(site):
    return next((n.ifs_location for n in catalog.SHIP_NODES if n.ifs_site == site), "A-01")


def _number(value, what):
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"IFS Cloud keeps {what} as numbers; {value!r} is not one") from None
    if not number.is_finite():
        raise ValueError(f"IFS Cloud keeps {what} as numbers; {value!r} is not one")
    return number


def _realms(site, realm):
    realms = list(Site.objects.filter(contract=site, **({"realm": realm} if realm else {}))
                  .order_by("realm").values_list("realm", flat=True))
    if not realms:
        raise LookupError(f"IFS Cloud has no site {site}" + (f" in realm {realm}" if realm else ""))
    return realms


def _known_part(part_no, site, realms):
    known = (SalesPart.objects.filter(realm__in=realms, contract=site, catalog_no=part_no).exists()
             or InventoryPartInStock.objects.filter(realm__in=realms, contract=site, part_no=part_no).exists())
    if not known:
        raise LookupError(f"IFS Cloud has no part {part_no} at site {site}")


def available(part_no, site, realm):
    rows = InventoryPartInStock.objects.filter(realm=realm, contract=site, part_no=part_no)
    return rows.aggregate(q=Sum("available_qty"))["q"] or Decimal(0)


@transaction.atomic
def set_stock(item, warehouse, quantity, *, realm=None):
    """Make the part's available quantity at the site `quantity` (negative allowed): its stock records
    become one record at the node's location, keeping what is reserved. Returns (old, new)."""
    quantity, site = _number(quantity, "quantities"), _site(warehouse)
    realms = _realms(site, realm)
    _known_part(item, site, realms)
    old = available(item, site, realms[0])
    for each in realms:
        rows = InventoryPartInStock.objects.filter(realm=each, contract=site, part_no=item)
        reserved = rows.aggregate(q=Sum("qty_reserved"))["q"] or Decimal(0)
        rows.delete()
        InventoryPartInStock.objects.create(
            realm=each, contract=site, part_no=item, location_no=_location(site), warehouse=warehouse,
            qty_onhand=quantity + reserved, qty_reserved=reserved)
    return old, quantity


def _new_price(old, price, change_percent):
    if (price is None) == (change_percent is None):
        raise ValueError("give either a price or a percent change")
    if price is not None:
        return _number(price, "prices")
    return (old * (1 + _number(change_percent, "percentages") / 100)).quantize(CENT)


@transaction.atomic
def set_price(item, price=None, change_percent=None, currency=None, *, realm=None):
    """Set (or change by a percentage) the part's list price at every site that sells it. IFS list
    prices carry no currency of their own (the company's), so `currency` is refused. Returns (old, new)
    at the first site."""
    if currency:
        raise ValueError("IFS Cloud sales part list prices carry no currency (the company's is used); "
                         "leave --currency out")
    parts = list(SalesPart.objects.filter(catalog_no=item, **({"realm": realm} if realm else {}))
                 .order_by("realm", "contract"))
    if not parts:
        raise LookupError(f"IFS Cloud has no sales part {item}")
    first = None
    for part in parts:
        new = _new_price(part.list_price, price, change_percent)
        first = first or (part.list_price, new)
        part.list_price = new
        part.version += 1
        part.save(update_fields=["list_price", "version"])
    return first


def bulk_stock(rows, *, realm=DEMO_REALM):
    """Benchmarks: (item, site, quantity) rows as one stock record each, replacing the parts' records
    at those sites (bulk_create, BATCH rows per INSERT). Returns the number of records written."""
    rows = [(item, _site(site), _number(qty, "quantities")) for item, site, qty in rows]
    with transaction.atomic():
        for site in {site for _, site, _ in rows}:
            parts = [item for item, s, _ in rows if s == site]
            for start in range(0, len(parts), BATCH):
                InventoryPartInStock.objects.filter(realm=realm, contract=site,
                                                    part_no__in=parts[start:start + BATCH]).delete()
        InventoryPartInStock.objects.bulk_create([
            InventoryPartInStock(realm=realm, contract=site, part_no=item, location_no=_location(site),
                                 qty_onhand=qty, qty_reserved=0, available_qty=qty)
            for item, site, qty in rows], batch_size=BATCH)
    return len(rows)


def bulk_prices(rows, *, realm=DEMO_REALM, site=None):
    """Benchmarks: (item, price) rows as sales parts at `site` (default the demo connection's site),
    created or repriced. Returns the number of rows."""
    site = _site(site or catalog.SHIP_NODES[0].ifs_site)
    rows = [(item, _number(price, "prices")) for item, price in rows]
    with transaction.atomic():
        SalesPart.objects.bulk_create([
            SalesPart(realm=realm, contract=site, catalog_no=item, catalog_desc=item, part_no=item, list_price=price)
            for item, price in rows], batch_size=BATCH, update_conflicts=True,
            unique_fields=["realm", "contract", "catalog_no"], update_fields=["list_price"])
    return len(rows)
