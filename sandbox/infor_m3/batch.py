"""OIS100MI batch-order extras of the M3 emulator: head charges, addresses, batch heads listed/deleted.

Charges (AddBatchHeadChg: ORNO, CRID, CRAM, CUCD) and addresses (AddBatchAddress: ORNO, ADRT, CUNM,
CUA1-4, TOWN, PONO, ECAR, CSCD, PHNO) belong to the batch order and travel with it through Confirm.
A failing charge or address is remembered on the batch order like a failing line, so Confirm refuses
the order rather than creating it without its freight or its delivery address.

Read-back after Confirm: LstOrderCharge (ORNO, CRID) and GetAddress (ORNO, ADRT). LstBatchHead
(CUNO) lists batch orders not yet confirmed; DelBatchHead (ORNO) deletes one with its lines.
"""

from sandbox.infor_m3 import data
from sandbox.infor_m3.mi import MIError, decimal, mi, not_found
from sandbox.infor_m3.models import Order, OrderCharge
from sandbox.infor_m3.orders import batch, head, order_of, remember_error

ADDRESS_FIELDS = ("CUNM", "CUA1", "CUA2", "CUA3", "CUA4", "TOWN", "PONO", "ECAR", "CSCD", "PHNO")


@mi("OIS100MI", "AddBatchHeadChg", required=("ORNO", "CRID"))
def add_head_charge(ctx, r):
    order = batch(ctx, r["ORNO"])
    try:
        crid = data.choice("CRID", r["CRID"], data.CHARGES)
        amount = decimal(r, "CRAM")
        if r.get("CUCD") and r["CUCD"] != order.cucd:
            raise MIError(f"Currency {r['CUCD']} differs from the order currency {order.cucd}", "CUCD", "WCU0110")
    except MIError as exc:
        exc.after = lambda e: remember_error(order, e)
        raise
    OrderCharge.objects.create(order=order, crid=crid, cram=amount, cucd=order.cucd)
    return [{"ORNO": order.batch_no, "CRID": crid}]


@mi("OIS100MI", "AddBatchAddress", required=("ORNO", "ADRT"))
def add_address(ctx, r):
    order = batch(ctx, r["ORNO"])
    try:
        adrt = data.choice("ADRT", r["ADRT"], data.ADDRESS_TYPES)
        if not r.get("CUNM") or not r.get("CUA1"):
            field = "CUNM" if not r.get("CUNM") else "CUA1"
            raise MIError(f"{'Name' if field == 'CUNM' else 'Address line 1'} must be entered", field, "XRE0102")
    except MIError as exc:
        exc.after = lambda e: remember_error(order, e)
        raise
    order.addresses = {**order.addresses, adrt: {k: r.get(k, "") for k in ADDRESS_FIELDS}}
    order.save(update_fields=["addresses"])
    return []


@mi("OIS100MI", "GetAddress", required=("ORNO", "ADRT"))
def get_address(ctx, r):
    order = order_of(ctx, r["ORNO"])
    address = order.addresses.get(r["ADRT"])
    if address is None:
        raise not_found("ADRT", r["ADRT"])
    return [{"ORNO": order.orno, "ADRT": r["ADRT"], **address}]


@mi("OIS100MI", "LstOrderCharge", required=("ORNO",))
def list_charges(ctx, r):
    order = order_of(ctx, r["ORNO"])
    charges = order.charges.all()
    if r.get("CRID"):
        charges = charges.filter(crid=r["CRID"])
    return [{"ORNO": order.orno, "CRID": c.crid, "CRDS": data.CHARGES.get(c.crid, ""), "CRAM": c.cram, "CUCD": c.cucd}
            for c in charges]


@mi("OIS100MI", "LstBatchHead", required=("CUNO",))
def list_batch_heads(ctx, r):
    orders = Order.objects.filter(tenant=ctx.tenant, cono=ctx.cono, cuno=r["CUNO"], confirmed=False)
    return [head(o) for o in orders.order_by("batch_no")]


@mi("OIS100MI", "DelBatchHead", required=("ORNO",))
def delete_batch_head(ctx, r):
    batch(ctx, r["ORNO"]).delete()  # lines and charges go with it
    return []
