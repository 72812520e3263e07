"""CustomerOrderHandling: order headers, lines, charges, PATCH under If-Match, the release action.

Creates are validated as IFS validates them: mandatory header fields (the set Insite sends,
erp-samples/ifs/customer_order_create_request.json), the site and customer must exist, a line's
sales part must exist on the order's site, a charge's type must exist. Updates and bound actions
need If-Match: without it ODP_MISSING_PRECONDITION, with a stale ETag 412; the version check is a
conditional UPDATE, so two writers holding the same ETag cannot both win.
"""

from decimal import Decimal

from django.db.models import Max
from django.http import HttpResponse

from sandbox import clock
from sandbox.ifs_cloud import entities, odata, warehouse
from sandbox.ifs_cloud.models import (
    ChargeType, Customer, CustomerOrder, CustomerOrderCharge, CustomerOrderLine, SalesPart, Site,
)
from sandbox.ifs_cloud.odata import ODataError
from sandbox.ifs_cloud.views_master import get_or_404

HEADER_REQUIRED = ("CustomerNo", "Contract", "OrderId", "AuthorizeCode", "CurrencyCode", "WantedDeliveryDate")
OPEN_STATES = ("Planned", "Released", "Reserved")


def _db_error(message):
    # IFS wraps PL/SQL validation errors of a create or update in a 400 with the business message.
    return ODataError(400, "DATABASE_ERROR", message)


def _mandatory(entity, name):
    return _db_error(f"Field [{name}] in {entity} is mandatory and must have a value.")


def _default(fields, name, value):
    if fields.get(name) in (None, ""):
        fields[name] = value


def _order(call, *, lock=False):
    """The keyed order; `lock` holds its row until the request commits (serialises line/charge numbering)."""
    queryset = CustomerOrder.objects.filter(realm=call.realm)
    if lock:
        queryset = queryset.select_for_update()
    return get_or_404(queryset, entities.CUSTOMER_ORDER, call.keys, order_no=call.key("OrderNo"))


def _check_precondition(request, obj):
    presented = request.headers.get("If-Match")
    if not presented:
        raise ODataError(428, "ODP_MISSING_PRECONDITION",
                         "The If-Match header is missing: updates need the entity's ETag.")
    if presented != "*" and presented != odata.etag(obj):
        raise _changed()


def _changed():
    return ODataError(412, "ODP_PRECONDITION_FAILED",
                      "The record has been modified by another user since it was read (ETag mismatch).")


def _conditional_update(obj, **changes):
    """Write only if nobody wrote since we read: the version in the WHERE clause is the lock."""
    won = type(obj).objects.filter(pk=obj.pk, version=obj.version).update(version=obj.version + 1, **changes)
    if not won:
        raise _changed()
    obj.refresh_from_db()


def list_orders(request, call):
    return odata.collection(request, entities.CUSTOMER_ORDER, CustomerOrder.objects.filter(realm=call.realm),
                            **call.paging)


def get_order(request, call):
    return odata.single(request, entities.CUSTOMER_ORDER, _order(call))


def create_order(request, call):
    parsed = entities.CUSTOMER_ORDER.parse(odata.read_body(request))
    values = {p.name: v for p, v in parsed.items()}
    for name in HEADER_REQUIRED:
        if values.get(name) in (None, ""):
            raise _mandatory("Customer Order", name)
    site = Site.objects.filter(realm=call.realm, contract=values["Contract"]).first()
    if site is None:
        raise _db_error(f"Site {values['Contract']} does not exist.")
    if values.get("Company") not in (None, site.company):
        raise _db_error(f"Site {site.contract} belongs to company {site.company}, not {values['Company']}.")
    if not Customer.objects.filter(realm=call.realm, customer_id=values["CustomerNo"]).exists():
        raise _db_error(f"Customer {values['CustomerNo']} does not exist.")
    fields, extra = entities.CUSTOMER_ORDER.split(parsed)
    fields["company"] = site.company  # IFS derives the company from the site
    order = CustomerOrder.objects.create(
        realm=call.realm, order_no=warehouse.next_order_no(call.realm), date_entered=clock.now(), extra=extra,
        **fields,
    )
    return odata.single(request, entities.CUSTOMER_ORDER, order, status=201)


def patch_order(request, call):
    order = _order(call)
    _check_precondition(request, order)
    parsed = entities.CUSTOMER_ORDER.parse(odata.read_body(request), updating=True)
    if order.objstate not in OPEN_STATES:
        raise _db_error(f"Customer order {order.order_no} is {order.objstate} and cannot be modified.")
    for prop, value in parsed.items():
        if value is None and prop.name in HEADER_REQUIRED:
            raise _mandatory("Customer Order", prop.name)
    fields, extra = entities.CUSTOMER_ORDER.split(parsed)
    fields.update({p.attr: "" for p, v in parsed.items() if v is None and p.attr})  # null clears an optional field
    _conditional_update(order, extra={**order.extra, **extra}, **fields)
    if "return=representation" in request.headers.get("Prefer", ""):
        return odata.single(request, entities.CUSTOMER_ORDER, order)
    response = HttpResponse(status=204)
    response["ETag"] = odata.etag(order)
    return response


def release_order(request, call):
    """Bound action CustomerOrder_SetReleased: Planned -> Released, stock reserved for the lines."""
    order = _order(call)
    _check_precondition(request, order)
    odata.read_body(request)
    if order.objstate != "Planned":
        raise _db_error(f"Customer order {order.order_no} is {order.objstate}; only Planned orders can be released.")
    if not order.lines.exists():
        raise _db_error(f"Customer order {order.order_no} has no lines to release.")
    _conditional_update(order, objstate="Released")
    warehouse.reserve(order)
    return HttpResponse(status=204)


def list_all_lines(request, call):
    queryset = CustomerOrderLine.objects.filter(order__realm=call.realm)
    return odata.collection(request, entities.CUSTOMER_ORDER_LINE, queryset, **call.paging)


def list_order_lines(request, call):
    queryset = CustomerOrderLine.objects.filter(order=_order(call))
    return odata.collection(request, entities.CUSTOMER_ORDER_LINE, queryset, **call.paging)


def add_line(request, call):
    order = _order(call, lock=True)
    parsed = entities.CUSTOMER_ORDER_LINE.parse(odata.read_body(request))
    values = {p.name: v for p, v in parsed.items()}
    if order.objstate not in ("Planned", "Released"):
        raise _db_error(f"Customer order {order.order_no} is {order.objstate}: lines cannot be added.")
    if values.get("OrderNo") not in (None, order.order_no):
        raise _db_error(f"OrderNo {values['OrderNo']} in the body does not match order {order.order_no}.")
    site = values.get("Contract") or order.contract
    if site != order.contract:
        raise _db_error(f"Site {site} on the line differs from site {order.contract} of order {order.order_no}.")
    for name in ("CatalogNo", "BuyQtyDue"):
        if values.get(name) in (None, ""):
            raise _mandatory("Customer Order Line", name)
    if values["BuyQtyDue"] <= 0:
        raise _db_error("The sales quantity must be greater than zero.")
    part = SalesPart.objects.filter(realm=call.realm, contract=site, catalog_no=values["CatalogNo"]).first()
    if part is None:
        raise _db_error(f"Sales Part {values['CatalogNo']} does not exist on site {site}.")
    if values.get("PartNo") not in (None, part.part_no):
        raise _db_error(f"Sales Part {part.catalog_no} is connected to inventory part {part.part_no}, "
                        f"not {values['PartNo']}.")
    fields, extra = entities.CUSTOMER_ORDER_LINE.split(parsed)
    fields.update(contract=site, part_no=part.part_no, catalog_desc=part.catalog_desc)
    _default(fields, "sales_unit_meas", part.sales_unit_meas)
    _default(fields, "desired_qty", fields["buy_qty_due"])
    _default(fields, "sale_unit_price", part.list_price)  # PriceSource SalesPart
    # LineNo is a string in IFS ("1", "2", ...): the next one is the highest number plus one.
    line_no = max((int(n) for n in order.lines.values_list("line_no", flat=True) if n.isdigit()), default=0) + 1
    fields.pop("qty_assigned", None)  # Insite sends 0; reservations are IFS's own business (on release)
    line = CustomerOrderLine.objects.create(
        order=order, line_no=str(line_no), objstate="Released" if order.objstate == "Released" else "Planned",
        extra=extra, **fields,
    )
    if order.objstate == "Released":
        warehouse.reserve(order)
        line.refresh_from_db()
    return odata.single(request, entities.CUSTOMER_ORDER_LINE, line, status=201)


def list_charges(request, call):
    queryset = CustomerOrderCharge.objects.filter(order=_order(call))
    return odata.collection(request, entities.CUSTOMER_ORDER_CHARGE, queryset, **call.paging)


def add_charge(request, call):
    order = _order(call, lock=True)
    parsed = entities.CUSTOMER_ORDER_CHARGE.parse(odata.read_body(request))
    values = {p.name: v for p, v in parsed.items()}
    if order.objstate not in ("Planned", "Released"):
        raise _db_error(f"Customer order {order.order_no} is {order.objstate}: charges cannot be added.")
    for name in ("ChargeType", "ChargeAmount"):
        if values.get(name) in (None, ""):
            raise _mandatory("Customer Order Charge", name)
    site = values.get("Contract") or order.contract
    if site != order.contract:
        raise _db_error(f"Site {site} on the charge differs from site {order.contract} of order {order.order_no}.")
    charge_type = ChargeType.objects.filter(realm=call.realm, contract=site, charge_type=values["ChargeType"]).first()
    if charge_type is None:
        raise _db_error(f"Sales Charge Type {values['ChargeType']} does not exist on site {site}.")
    fields, extra = entities.CUSTOMER_ORDER_CHARGE.split(parsed)
    fields.update(contract=site)
    _default(fields, "charged_qty", Decimal(1))
    _default(fields, "sales_unit_meas", charge_type.sales_unit_meas)
    last = order.charges.aggregate(n=Max("sequence_no"))["n"] or 0
    charge = CustomerOrderCharge.objects.create(
        order=order, sequence_no=last + 1, company=order.company, extra=extra, **fields,
    )
    return odata.single(request, entities.CUSTOMER_ORDER_CHARGE, charge, status=201)
