"""Master data and logistics programs of the M3 emulator: CRS610MI customers, MMS200MI items and
balances, MMS025MI item aliases (EAN), OIS017MI sales price lists, MNS150MI user data. Deliveries
and shipments (MWS410MI, DRS100MI) are in deliveries.py.

Item aliases: MMS025MI's transactions and fields follow M3's API metadata as published in
GaryWayneSmith/M3H5 (M3H5Lib.Api/MMS025MIResource.cs): AddAlias (ALWT, ALWQ, ITNO, POPN required),
GetItem (ALWT, POPN; ALWQ optional), LstItem (POPN; ALWT optional), LstAlias (ITNO; ALWT optional).
Category 2 is the EAN (reference/erp-apis.md C.3 names the EAN as an alias, POPN with ALWT/ALWQ).

List transactions start at the key given in the input (CUNO, ITNO) and return records in key
order, so a client pages with `maxrecs` by restarting at the last key it saw (M3 has no cursor).
"""

from datetime import datetime
from decimal import Decimal

from sandbox.infor_m3 import data, itemdata
from sandbox.infor_m3.deliveries import deliver  # noqa: F401  (kept here for older callers)
from sandbox.infor_m3.mi import MIError, decimal, m3_date, mi, not_found
from sandbox.infor_m3.models import BasePrice, Customer, ItemAlias

# --- MNS150MI ------------------------------------------------------------------------------


@mi("MNS150MI", "GetUserData")
def get_user_data(ctx, r):
    settings = ctx.account.settings
    user = settings.get("saak", "").split("#")[-1][:10].upper() or "SVCACCOUNT"
    return [{"USID": user, "NAME": "ml-connector service account", "CONO": settings.get("user_cono", ctx.cono),
             "DIVI": settings.get("user_divi", ctx.divi), "LANC": "GB", "DTFM": "YMD", "DCFM": ".",
             "TIZO": "UTC", "FACI": data.DEFAULT_FACILITY, "WHLO": "DAL"}]


# --- CRS610MI ------------------------------------------------------------------------------

def customer_record(c):
    return {"CONO": c.cono, "CUNO": c.cuno, "CUNM": c.cunm, "CUA1": c.cua1, "CUA2": c.cua2, "CUA3": c.cua3,
            "CUA4": c.cua4, "PONO": c.pono, "TOWN": c.town, "CSCD": c.cscd, "PHNO": c.phno, "MAIL": c.mail,
            "STAT": c.stat, "LMTS": int(c.changed_at.timestamp() * 1000)}


@mi("CRS610MI", "GetBasicData", required=("CUNO",))
def get_customer(ctx, r):
    data.ensure_tenant(ctx)
    found = Customer.objects.filter(tenant=ctx.tenant, cono=ctx.cono, cuno=r["CUNO"]).first()
    if found is None:
        raise not_found("CUNO", r["CUNO"], "WCU0103")
    return [customer_record(found)]


@mi("CRS610MI", "Add", required=("CUTM", "CUNM", "CUA1"))
def add_customer(ctx, r):
    data.ensure_tenant(ctx)
    data.choice("CUTM", r["CUTM"], data.CUSTOMER_TEMPLATES)
    cuno = r.get("CUNO") or f"C{ctx.next_number('customer', 100001):07d}"
    if Customer.objects.filter(tenant=ctx.tenant, cono=ctx.cono, cuno=cuno).exists():
        raise MIError(f"Customer number {cuno} already exists", "CUNO", "WCU0201")
    fields = {k.lower(): r.get(k, "") for k in ("CUNM", "CUA1", "CUA2", "CUA3", "CUA4", "PONO", "TOWN", "CSCD", "PHNO", "MAIL")}
    Customer.objects.create(tenant=ctx.tenant, cono=ctx.cono, cuno=cuno, cutm=r["CUTM"], changed_at=ctx.now(), **fields)
    return [{"CUNO": cuno}]


@mi("CRS610MI", "LstByNumber")
def list_customers(ctx, r):
    data.ensure_tenant(ctx)
    customers = Customer.objects.filter(tenant=ctx.tenant, cono=ctx.cono, cuno__gte=r.get("CUNO", "")).order_by("cuno")
    if r.get("LMTS"):
        since = datetime.fromtimestamp(int(decimal(r, "LMTS")) / 1000, tz=ctx.now().tzinfo)
        customers = customers.filter(changed_at__gte=since)
    return [customer_record(c) for c in customers[:ctx.maxrecs or None]]


# --- MMS200MI ------------------------------------------------------------------------------

def item_record(item, changed=None):
    """An item (MITMAS) with its weight, dimensions, images and change stamps (itemdata.py)."""
    return {"ITNO": item.item_code, "ITDS": item.name[:30], "STAT": "20", "UNMS": "EA",
            "ITTY": "FG", "ITCL": item.category[:5].upper(), "ITGR": item.category[:5].upper(), "POPN": item.gtin,
            "SUNO": item.supplier, "SAPR": item.price, **itemdata.extras(item, changed)}


def _item_record(itno):
    item = data.item(itno)
    return item_record(item, itemdata.changes().get(item.item_code))


@mi("MMS200MI", "Get", required=("ITNO",))
def get_item(ctx, r):
    return [_item_record(r["ITNO"])]


@mi("MMS200MI", "GetItmBasic", required=("ITNO",))
def get_item_basic(ctx, r):
    item = data.item(r["ITNO"])
    return [{**_item_record(r["ITNO"]), "CONO": ctx.cono, "EAN13": item.gtin[1:], "RESP": "MLCONNECT"}]


@mi("MMS200MI", "LstItmByItm", required=("ITNO",))
def list_items(ctx, r):
    codes = sorted(c for c in data.items() if c >= r["ITNO"])
    changed = itemdata.changes()
    return [item_record(data.items()[c], changed.get(c)) for c in codes[:ctx.maxrecs or None]]


@mi("MMS200MI", "LstItmByChgDate")
def list_items_changed(ctx, r):
    """Items whose change date (LMDT) is from FLMD to TLMD (yyyyMMdd, both optional), by item number."""
    since, until = m3_date(r, "FLMD", "19000101"), m3_date(r, "TLMD", "99991231")
    changed = itemdata.changes()
    records = (item_record(data.items()[c], changed.get(c)) for c in sorted(data.items()))
    return [record for record in records if since <= record["LMDT"] <= until]


@mi("MMS200MI", "GetItmWhsBal", required=("WHLO", "ITNO"), read_only=True)
def get_item_balance(ctx, r):
    """Balances come from the request's cached warehouse table (data.warehouse_balances): a bulk of
    many reads stays one query set. A stored on-hand value that is not a number is answered as is."""
    whlo = data.warehouse(r["WHLO"])
    found = data.warehouse_balances(ctx, whlo, r["ITNO"]).get(r["ITNO"])
    if found is None:
        raise data.not_found("ITNO", r["ITNO"], "WIT0103")
    on_hand, allocated = found
    free = on_hand - allocated if isinstance(on_hand, Decimal) else on_hand
    return [{"CONO": ctx.cono, "WHLO": whlo, "ITNO": r["ITNO"], "STQT": on_hand, "QUQT": 0, "RJQT": 0,
             "ALQT": allocated, "AV01": free, "AVAL": free, "AV02": on_hand,
             "REQT": 0, "ORQT": allocated, "PLQT": 0, "FACI": data.DEFAULT_FACILITY}]


# --- MMS025MI ------------------------------------------------------------------------------

def _alias_category(r, field="ALWT", required=False):
    if not r.get(field) and not required:
        return None
    value = decimal(r, field)
    if value != value.to_integral_value() or not 1 <= value <= 99:
        raise MIError(f"Alias category {r[field]} is invalid", field, "WAL0101")
    return int(value)


def aliases(ctx):
    """Every alias of the tenant's company: the catalog's EANs, then those added with AddAlias."""
    added = ItemAlias.objects.filter(tenant=ctx.tenant, cono=ctx.cono).order_by("pk")
    return list(data.catalog_aliases()) + [(a.alwt, a.alwq, a.itno, a.popn) for a in added]


def alias_record(ctx, alias):
    alwt, alwq, itno, popn = alias
    return {"CONO": ctx.cono, "ALWT": alwt, "ALWQ": alwq, "ITNO": itno, "POPN": popn, "E0PA": "", "SEA1": "",
            "VFDT": data.ITEMS_CHANGED, "LVDT": "", "REMK": ""}


@mi("MMS025MI", "AddAlias", required=("ALWT", "ALWQ", "ITNO", "POPN"))
def add_alias(ctx, r):
    alwt, itno = _alias_category(r, required=True), data.item(r["ITNO"]).item_code
    if len(r["POPN"]) > 30:
        raise MIError("Input field POPN is too long (max 30)", "POPN", "", "InputFieldTooLong")
    if (alwt, r["ALWQ"], itno, r["POPN"]) in aliases(ctx):
        raise MIError(f"Alias number {r['POPN']} already exists", "POPN", "WPO0201")
    ItemAlias.objects.create(tenant=ctx.tenant, cono=ctx.cono, alwt=alwt, alwq=r["ALWQ"], itno=itno, popn=r["POPN"],
                             created_at=ctx.now())
    return []


@mi("MMS025MI", "GetItem", required=("ALWT", "POPN"))
def get_alias_item(ctx, r):
    alwt = _alias_category(r, required=True)
    found = [a for a in aliases(ctx) if a[0] == alwt and a[3] == r["POPN"] and (not r.get("ALWQ") or a[1] == r["ALWQ"])]
    if not found:
        raise MIError(f"Alias number {r['POPN']} does not exist", "POPN", "WPO0103")
    return [alias_record(ctx, found[0])]


@mi("MMS025MI", "LstItem", required=("POPN",))
def list_alias_items(ctx, r):
    """The items carrying an alias number (all of them: several items may share one, M3 allows it)."""
    alwt = _alias_category(r)
    found = [a for a in aliases(ctx) if a[3] == r["POPN"] and (alwt is None or a[0] == alwt)]
    return [alias_record(ctx, a) for a in sorted(found, key=lambda a: (a[0], a[1], a[2]))]


@mi("MMS025MI", "LstAlias", required=("ITNO",))
def list_item_aliases(ctx, r):
    alwt, itno = _alias_category(r), data.item(r["ITNO"]).item_code
    return [alias_record(ctx, a) for a in aliases(ctx) if a[2] == itno and (alwt is None or a[0] == alwt)]


# --- OIS017MI ------------------------------------------------------------------------------

def _price_list(r):
    """The price list exists in USD (the catalog's) and in any currency the sandbox was given prices in."""
    known = r["CUCD"] == data.PRICE_LIST_CURRENCY or BasePrice.objects.filter(prrf=r["PRRF"], cucd=r["CUCD"]).exists()
    if (r["PRRF"], r["FVDT"]) != (data.PRICE_LIST, data.PRICE_LIST_FROM) or not known:
        raise MIError(f"Price list {r['PRRF']} {r['CUCD']} {r['FVDT']} does not exist", "PRRF", "WPR0103")
    return r["CUCD"]


def prices(ctx, cucd=data.PRICE_LIST_CURRENCY):
    """The seeded price list (catalog prices, USD), then the sandbox's own prices (tenant "": every
    tenant, `manage.py sandbox set-price` and benchmarks), then the tenant's changes through the API."""
    result = {code: item.price for code, item in data.items().items()} if cucd == data.PRICE_LIST_CURRENCY else {}
    rows = BasePrice.objects.filter(prrf=data.PRICE_LIST, cucd=cucd)
    for tenant in ("", ctx.tenant):  # the tenant's own changes win
        result.update(rows.filter(tenant=tenant).values_list("itno", "sapr").iterator(chunk_size=5000))
    return result


def price_record(itno, sapr, cucd=data.PRICE_LIST_CURRENCY):
    return {"PRRF": data.PRICE_LIST, "CUCD": cucd, "FVDT": data.PRICE_LIST_FROM, "ITNO": itno, "SAPR": sapr}


@mi("OIS017MI", "LstBasePrice", required=("PRRF", "CUCD", "FVDT"))
def list_prices(ctx, r):
    cucd = _price_list(r)
    return [price_record(itno, sapr, cucd) for itno, sapr in sorted(prices(ctx, cucd).items())]


@mi("OIS017MI", "GetBasePrice", required=("PRRF", "CUCD", "FVDT", "ITNO"))
def get_price(ctx, r):
    cucd = _price_list(r)
    found = prices(ctx, cucd)
    if r["ITNO"] not in found:
        raise data.not_found("ITNO", r["ITNO"], "WIT0103")
    return [price_record(r["ITNO"], found[r["ITNO"]], cucd)]


@mi("OIS017MI", "UpdBasePrice", required=("PRRF", "CUCD", "FVDT", "ITNO"))
def update_price(ctx, r):
    _price_list(r)
    itno = data.item(r["ITNO"]).item_code
    BasePrice.objects.update_or_create(
        tenant=ctx.tenant, prrf=r["PRRF"], cucd=r["CUCD"], fvdt=r["FVDT"], itno=itno,
        defaults={"sapr": decimal(r, "SAPR", positive=True), "changed_at": ctx.now()},
    )
    return []
