"""OIS100MI (customer order interface, batch flow) and OIS390MI (customer returns) of the M3 emulator.

Batch flow (erp-apis.md C.3): AddBatchHead -> temporary ORNO; AddBatchLine adds lines (M3 assigns
PONR); Confirm turns the batch order into a customer order with its final ORNO. A failing
AddBatchLine leaves an error on the batch order (LstErrMsgOrder) and Confirm then refuses it, so a
partly failed bulk never becomes a partial order. Head charges, addresses and batch-head listing and
deletion are in batch.py.
"""

import re
from decimal import Decimal

from django.db.models import Max

from sandbox.infor_m3 import data
from sandbox.infor_m3.mi import MIError, decimal, m3_date, mi, not_found
from sandbox.infor_m3.models import CustomerReturn, Order, OrderLine, ReturnLine

BATCH_START, ORDER_START = 9000000001, 1000000001


def batch(ctx, orno):
    found = Order.objects.filter(tenant=ctx.tenant, cono=ctx.cono, batch_no=orno, confirmed=False).first()
    if found is None:
        raise not_found("ORNO", orno, "WOR0103")
    return found


def order_of(ctx, orno):
    found = Order.objects.filter(tenant=ctx.tenant, cono=ctx.cono, orno=orno, confirmed=True).first()
    if found is None:
        raise not_found("ORNO", orno, "WOR0103")
    return found


def head(order):
    lines = list(order.lines.all())
    net = sum((line.orqt * line.sapr for line in lines), Decimal(0)).quantize(Decimal("0.01"))
    # Total to pay: the lines plus the head charges (freight, marketplace tax...).
    charged = sum((c.cram for c in order.charges.all()), Decimal(0))
    statuses = [line.orst for line in lines] or ["05" if not order.confirmed else "20"]
    return {
        "ORNO": order.orno or order.batch_no, "ORTP": order.ortp, "ORDT": order.ordt, "STAT": "20" if order.confirmed else "05",
        "FACI": order.faci, "CUOR": order.cuor, "CUNO": order.cuno, "WHLO": order.whlo, "DIVI": order.divi,
        "ORSL": min(statuses), "ORST": max(statuses), "CUCD": order.cucd, "RLDT": order.rldt, "YREF": order.yref,
        "ONET": net, "BRAM": net, "TOPY": net + charged,
    }


def line_record(order, line):
    """An order line as LstLine/GetLine answer it. DLQT (delivered), RNQT (remaining: what is still
    open), CUPO (the customer's line number), LMDT/LMTS (change date, stamp in ms) are served under
    the names M3 tables use; that LstLine returns them so is UNCONFIRMED (deliveries.py)."""
    changed = line.changed_at or order.created_at
    remaining = line.open_quantity if line.orst < "66" else Decimal(0)
    return {"ORNO": order.orno or order.batch_no, "PONR": line.ponr, "POSX": 0, "ITNO": line.itno, "ORQT": line.orqt,
            "WHLO": line.whlo, "SAPR": line.sapr, "ORST": line.orst, "CUOR": line.cuor, "CUPO": line.cupo,
            "DWDT": line.dwdt, "DLQT": line.dlqt, "RNQT": remaining,
            "LNAM": (line.orqt * line.sapr).quantize(Decimal("0.01")),
            "LMDT": changed.strftime("%Y%m%d"), "LMTS": int(changed.timestamp() * 1000)}


@mi("OIS100MI", "AddBatchHead", required=("CUNO",))
def add_batch_head(ctx, r):
    data.ensure_tenant(ctx)
    customer = data.customer(ctx, r["CUNO"])
    order = Order.objects.create(
        tenant=ctx.tenant, cono=ctx.cono, divi=ctx.divi, batch_no=str(ctx.next_number("batch", BATCH_START)),
        cuno=customer.cuno, ortp=data.choice("ORTP", r.get("ORTP") or data.DEFAULT_ORDER_TYPE, data.ORDER_TYPES),
        faci=data.choice("FACI", r.get("FACI") or data.DEFAULT_FACILITY, data.FACILITIES),
        whlo=data.warehouse(r["WHLO"]) if r.get("WHLO") else "DAL", cuor=r.get("CUOR", ""), yref=r.get("YREF", ""),
        ordt=m3_date(r, "ORDT", ctx.today()), rldt=m3_date(r, "RLDT"), cucd=r.get("CUCD") or "USD",
        created_at=ctx.now(),
    )
    ctx.carry["ORNO"] = order.batch_no
    return [{"ORNO": order.batch_no}]


@mi("OIS100MI", "AddBatchLine", required=("ORNO", "ITNO"))
def add_batch_line(ctx, r):
    order = batch(ctx, r["ORNO"])
    try:
        item = data.item(r["ITNO"])
        quantity = decimal(r, "ORQT", positive=True)
        whlo = data.warehouse(r.get("WHLO") or order.whlo)
        price = decimal(r, "SAPR", default=item.price)
        dwdt = m3_date(r, "DWDT")
    except MIError as exc:
        exc.after = lambda e: remember_error(order, e)
        raise
    ponr = (order.lines.aggregate(m=Max("ponr"))["m"] or 0) + 1
    OrderLine.objects.create(order=order, ponr=ponr, itno=item.item_code, orqt=quantity, whlo=whlo, sapr=price,
                             cuor=r.get("CUOR", ""), cupo=r.get("CUPO", ""), dwdt=dwdt, changed_at=ctx.now())
    return [{"ORNO": order.batch_no, "PONR": ponr, "POSX": 0}]


def remember_error(order, error):
    Order.objects.filter(pk=order.pk).update(errors=order.errors + [{"code": error.code, "field": error.field,
                                                                      "message": error.message}])


@mi("OIS100MI", "Confirm", required=("ORNO",))
def confirm(ctx, r):
    order = batch(ctx, r["ORNO"])
    if order.errors:
        raise MIError(f"Batch order {order.batch_no} has {len(order.errors)} error(s) and cannot be confirmed",
                      "ORNO", "WBO0105")
    order.orno = str(ctx.next_number("order", ORDER_START))
    order.confirmed = True
    order.save(update_fields=["orno", "confirmed"])
    for line in order.lines.all():
        on_hand, allocated = data.balance(ctx, line.itno, line.whlo)
        # Allocated (33) when the warehouse can cover the line, else reserved (22), as M3 does.
        line.orst = "33" if on_hand - allocated >= line.orqt else "22"
        line.changed_at = ctx.now()
        line.save(update_fields=["orst", "changed_at"])
    return [{"ORNO": order.orno, "STAT": "20"}]


@mi("OIS100MI", "GetOrderNo", required=("ORNO",))
def get_order_no(ctx, r):
    order = Order.objects.filter(tenant=ctx.tenant, cono=ctx.cono, batch_no=r["ORNO"], confirmed=True).first()
    if order is None:
        raise not_found("ORNO", r["ORNO"], "WOR0103")
    return [{"ORNO": order.orno}]


@mi("OIS100MI", "GetBatchHead", required=("ORNO",))
def get_batch_head(ctx, r):
    return [head(batch(ctx, r["ORNO"]))]


@mi("OIS100MI", "LstErrMsgOrder", required=("ORNO",))
def errors(ctx, r):
    order = Order.objects.filter(tenant=ctx.tenant, cono=ctx.cono, batch_no=r["ORNO"]).first()
    if order is None:
        raise not_found("ORNO", r["ORNO"], "WOR0103")
    return [{"ORNO": order.batch_no, "MSID": e["code"], "FLDN": e["field"], "MSGD": e["message"]} for e in order.errors]


@mi("OIS100MI", "GetHead", required=("ORNO",))
def get_head(ctx, r):
    return [head(order_of(ctx, r["ORNO"]))]


@mi("OIS100MI", "LstHead", required=("CUNO",))
def list_heads(ctx, r):
    orders = Order.objects.filter(tenant=ctx.tenant, cono=ctx.cono, cuno=r["CUNO"], confirmed=True).order_by("orno")
    heads = [head(o) for o in orders]
    return [h for h in heads if (not r.get("ORSL") or h["ORSL"] >= r["ORSL"]) and (not r.get("ORST") or h["ORST"] <= r["ORST"])]


QUERY = re.compile(r'(\w+):(?:"([^"]*)"|(\S+))')


@mi("OIS100MI", "SearchHead", required=("SQRY",))
def search_heads(ctx, r):
    """Field queries (CUOR:"x", ORNO:x, CUNO:x, combined with AND/space) or a free-text term.
    An app setting `search_available: false` emulates a tenant without the search index."""
    if ctx.account.settings.get("search_available") is False:
        raise MIError("Search is not available: the index for OOHEAD is not active", "SQRY", "WSE0100")
    orders = Order.objects.filter(tenant=ctx.tenant, cono=ctx.cono, confirmed=True).order_by("orno")
    terms = QUERY.findall(r["SQRY"])
    if not terms:
        word = r["SQRY"].strip().strip('"')
        return [head(o) for o in orders if word in (o.cuor, o.orno, o.cuno)]
    for field, quoted, bare in terms:
        column = {"CUOR": "cuor", "ORNO": "orno", "CUNO": "cuno", "WHLO": "whlo"}.get(field.upper())
        if column is None:
            raise MIError(f"Search field {field} is not indexed", "SQRY", "WSE0101")
        orders = orders.filter(**{column: quoted or bare})
    return [head(o) for o in orders]


@mi("OIS100MI", "LstLine", required=("ORNO",))
def list_lines(ctx, r):
    order = order_of(ctx, r["ORNO"])
    lines = order.lines.all()
    if r.get("ITNO"):
        lines = lines.filter(itno=r["ITNO"])
    return [line_record(order, line) for line in lines]


@mi("OIS100MI", "GetLine", required=("ORNO", "PONR"))
def get_line(ctx, r):
    order = order_of(ctx, r["ORNO"])
    line = order.lines.filter(ponr=int(decimal(r, "PONR"))).first()
    if line is None:
        raise not_found("PONR", r["PONR"], "WPO0103")
    return [line_record(order, line)]


@mi("OIS100MI", "GetATP", required=("ITNO", "WHLO"))
def get_atp(ctx, r):
    on_hand, allocated = data.balance(ctx, data.item(r["ITNO"]).item_code, data.warehouse(r["WHLO"]))
    return [{"AVTQ": max(on_hand - allocated, Decimal(0)), "UNMS": "EA", "AVTD": "0"}]


@mi("OIS100MI", "LstWarehBalance", required=("ITNO",))
def list_warehouse_balances(ctx, r):
    itno = data.item(r["ITNO"]).item_code
    rows = []
    for whlo in sorted(data.warehouses()):
        on_hand, allocated = data.balance(ctx, itno, whlo)
        rows.append({"WHLO": whlo, "AV01": on_hand - allocated, "AV02": on_hand, "LMDT": ctx.today()})
    return rows


# --- OIS390MI customer returns -------------------------------------------------------------

def _return(ctx, r):
    found = CustomerReturn.objects.filter(tenant=ctx.tenant, cono=ctx.cono, whlo=r["WHLO"],
                                          repn=int(decimal(r, "REPN"))).first()
    if found is None:
        raise not_found("REPN", r["REPN"], "WRE0103")
    return found


def return_head(ret):
    return {"WHLO": ret.whlo, "REPN": ret.repn, "CUNO": ret.cuno, "RORN": ret.rorn, "RSCD": ret.rscd,
            "YREF": ret.yref, "ORTP": ret.ortp, "FACI": ret.faci}


@mi("OIS390MI", "AddHead", required=("WHLO",))
def add_return(ctx, r):
    data.ensure_tenant(ctx)
    whlo = data.warehouse(r["WHLO"])
    cuno = data.customer(ctx, r["CUNO"]).cuno if r.get("CUNO") else ""
    if r.get("RORN"):
        order = order_of(ctx, r["RORN"])
        cuno = cuno or order.cuno
    ret = CustomerReturn.objects.create(
        tenant=ctx.tenant, cono=ctx.cono, whlo=whlo, repn=ctx.next_number("return", 1), cuno=cuno,
        rorn=r.get("RORN", ""), rscd=r.get("RSCD", ""), yref=r.get("YREF", ""), ortp=r.get("ORTP", ""),
        faci=r.get("FACI") or data.DEFAULT_FACILITY, created_at=ctx.now(),
    )
    return [{"REPN": ret.repn}]


@mi("OIS390MI", "AddLine", required=("WHLO", "REPN", "REQ0"))
def add_return_line(ctx, r):
    ret = _return(ctx, r)
    quantity = decimal(r, "REQ0", positive=True)
    itno = data.item(r["ITNO"]).item_code if r.get("ITNO") else ""
    rorl = int(decimal(r, "RORL")) if r.get("RORL") else None
    if rorl is not None:
        if not ret.rorn:
            raise MIError("Reference order line requires a reference order on the return head", "RORL", "WRO0101")
        line = order_of(ctx, ret.rorn).lines.filter(ponr=rorl).first()
        if line is None:
            raise not_found("RORL", rorl, "WRO0103")
        if itno and itno != line.itno:
            raise MIError(f"Item number {itno} is not on order line {rorl}", "ITNO", "WRO0104")
        if quantity > line.orqt:
            raise MIError(f"Notified quantity {quantity.normalize()} exceeds the order line quantity", "REQ0", "WRO0105")
        itno = itno or line.itno
    if not itno:
        raise MIError("Item number must be entered", "ITNO", "XRE0102")
    reli = (ret.lines.aggregate(m=Max("reli"))["m"] or 0) + 1
    ReturnLine.objects.create(customer_return=ret, reli=reli, itno=itno, req0=quantity, rorl=rorl,
                              sapr=decimal(r, "SAPR", default=data.item(itno).price), rscd=r.get("RSCD", ""))
    return [{"REPN": ret.repn, "RELI": reli}]


@mi("OIS390MI", "GetHead", required=("WHLO", "REPN"))
def get_return(ctx, r):
    return [return_head(_return(ctx, r))]


@mi("OIS390MI", "LstLine", required=("WHLO", "REPN"))
def list_return_lines(ctx, r):
    ret = _return(ctx, r)
    return [{"WHLO": ret.whlo, "REPN": ret.repn, "RELI": line.reli, "ITNO": line.itno, "REQ0": line.req0,
             "SAPR": line.sapr, "RORL": line.rorl or "", "RSCD": line.rscd} for line in ret.lines.all()]
