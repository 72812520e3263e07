"""Orders API emulator (walmart/openapi/orders.json; walmart-api.md §2).

GET /v3/orders, /v3/orders/released, /v3/orders/{po}; POST .../acknowledge, .../shipping,
.../cancel, .../refund. Lists answer 404 CONTENT_NOT_FOUND when nothing matches and page with a
verbatim `nextCursor`; every change moves the order's lastModified. Orders are served exactly as
stored (productInfo / replacementInfo do not trim them), so a loaded capture reads back identically.
"""

import copy
import json
from datetime import timedelta

from django.db import transaction
from django.http import HttpResponse

from sandbox import clock
from sandbox.walmart import events, lines, paging, records, spec
from sandbox.walmart import shapes_errors as errors
from sandbox.walmart.endpoint import walmart_api
from sandbox.walmart.models import Action, Order
from sandbox.walmart.shipping import ship as ship_lines  # the view below is named `shipping`

DEFAULT_LIMIT = 100
DEFAULT_WINDOW = timedelta(days=7)  # Walmart: createdStartDate defaults to now - 7 days
DATE_FILTERS = {
    "createdStartDate": ("order_date__gte", "createdEndDate"),
    "createdEndDate": ("order_date__lte", None),
    "lastModifiedStartDate": ("last_modified__gte", "lastModifiedEndDate"),
    "lastModifiedEndDate": ("last_modified__lte", None),
    "fromExpectedShipDate": ("estimated_ship_date__gte", None),
    "toExpectedShipDate": ("estimated_ship_date__lte", None),
}


def _json(body, status=200):
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _filtered(account, params, *, released=False):
    """The matching orders and the parameters to carry in the cursor (with the frozen window end)."""
    params = dict(params)
    now = clock.now()
    if not any(params.get(k) for k in ("createdStartDate", "lastModifiedStartDate", "purchaseOrderId",
                                       "customerOrderId")):
        params["createdStartDate"] = records.iso(now - DEFAULT_WINDOW)
    for start, (_, end) in DATE_FILTERS.items():
        if end and params.get(start) and not params.get(end):
            params[end] = records.iso(now)  # freeze the window for the pages to come
    node_type = params.get("shipNodeType") or "SellerFulfilled"
    if node_type not in spec.SHIP_NODE_TYPES:
        raise paging.BadParam("shipNodeType", f"shipNodeType must be one of {', '.join(spec.SHIP_NODE_TYPES)}")
    qs = Order.objects.filter(account=account, ship_node_type=node_type)
    for name, (lookup, _) in DATE_FILTERS.items():
        if params.get(name):
            try:
                qs = qs.filter(**{lookup: records.parse_instant(params[name])})
            except ValueError:
                raise paging.BadParam(name, f"{name} must be a date (2020-03-16) or a UTC timestamp "
                                            "(2020-03-16T10:30:15Z)") from None
    status = "Created" if released else params.get("status")
    if status:
        if status not in spec.ORDER_STATUSES:
            raise paging.BadParam("status", f"status must be one of {', '.join(spec.ORDER_STATUSES)}")
        qs = qs.filter(line_statuses__contains=f"|{status}|")
    if params.get("sku"):
        qs = qs.filter(skus__contains=f"|{params['sku']}|")
    if params.get("shippingProgramType"):
        qs = qs.filter(programs__contains=f"|{params['shippingProgramType']}|")
    if params.get("orderType"):
        if params["orderType"] not in ("REGULAR", "REPLACEMENT"):
            raise paging.BadParam("orderType", "orderType must be REGULAR or REPLACEMENT")
        # Orders without the attribute are regular ones.
        qs = (qs.filter(data__orderType="REPLACEMENT") if params["orderType"] == "REPLACEMENT"
              else qs.exclude(data__orderType="REPLACEMENT"))
    if params.get("purchaseOrderId"):
        qs = qs.filter(purchase_order_id=params["purchaseOrderId"])
    if params.get("customerOrderId"):
        qs = qs.filter(customer_order_id=params["customerOrderId"])
    return qs.order_by("order_date", "id"), params


def _list(request, account, *, released=False):
    if request.method != "GET":
        return errors.method_not_allowed(request.method)
    try:
        size = paging.limit(request.GET, default=DEFAULT_LIMIT)
        start = paging.offset(request.GET, "soIndex")
        if account.settings.get("quirk_ignore_cursor"):
            # Emulates a reported Walmart misbehaviour: the cursor is ignored and page 1 comes back,
            # with the same nextCursor (walmart-api.md §2.2); clients must stop, not loop.
            start = 0
        qs, carried = _filtered(account, request.GET.dict(), released=released)
    except paging.BadParam as exc:
        return exc.response()
    total = qs.count()
    page = list(qs[start:start + size])
    if not page:
        return errors.not_found("Orders")
    meta = {"totalCount": total, "limit": size}
    cursor = paging.next_cursor(carried, total=total, start=start, size=size, offset_key="soIndex", extra={
        "poIndex": page[-1].purchase_order_id, "partnerId": events.partner_id(account), "sellerId": str(account.pk),
    })
    if cursor:
        meta["nextCursor"] = cursor
    return _json({"list": {"meta": meta, "elements": {"order": [o.data for o in page]}}})


@walmart_api("orders.list")
def order_list(request, account):
    return _list(request, account)


@walmart_api("orders.list")
def released_list(request, account):
    return _list(request, account, released=True)


@walmart_api("orders.list")  # one bucket for GET orders, as the client keeps it
def order_detail(request, account, purchase_order_id):
    if request.method != "GET":
        return errors.method_not_allowed(request.method)
    order = Order.objects.filter(account=account, purchase_order_id=purchase_order_id).first()
    if order is None:
        return errors.not_found(f"Purchase order {purchase_order_id}", field="purchaseOrderId")
    return _json({"order": order.data})


def _change(request, account, purchase_order_id, kind, apply):
    """Apply `apply(data, body, now_ms)` to a copy of the order under a row lock; store it if accepted."""
    if request.method != "POST":
        return errors.method_not_allowed(request.method)
    body = None
    if request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return errors.malformed()
    now = clock.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(account=account, purchase_order_id=purchase_order_id).first()
        if order is None:
            return errors.not_found(f"Purchase order {purchase_order_id}", field="purchaseOrderId")
        if order.ship_node_type == "WFSFulfilled":
            return errors.bad_content("purchaseOrderId", "WFS orders are fulfilled by Walmart; the seller cannot "
                                      "acknowledge, ship, cancel or refund them")
        data = copy.deepcopy(order.data)
        try:
            result = apply(data, body, records.to_ms(now))
        except lines.Problem as exc:
            return errors.bad_content(exc.field, exc.message, exc.code)
        if result is not False:  # acknowledge says False when nothing changed (idempotent)
            records.update_order(order, data, now=now)
            Action.objects.create(account=account, kind=kind, reference=purchase_order_id, at=now, request=body or {})
            if kind == Action.Kind.CANCEL:
                events.lines_cancelled(account, data, result)
    return _json({"order": data})


@walmart_api("orders.acknowledge")
def acknowledge(request, account, purchase_order_id):
    return _change(request, account, purchase_order_id, Action.Kind.ACKNOWLEDGE,
                   lambda data, body, now_ms: lines.acknowledge(data, now_ms))


@walmart_api("orders.ship")
def shipping(request, account, purchase_order_id):
    return _change(request, account, purchase_order_id, Action.Kind.SHIP, ship_lines)


@walmart_api("orders.cancel")
def cancel(request, account, purchase_order_id):
    return _change(request, account, purchase_order_id, Action.Kind.CANCEL, lines.cancel)


@walmart_api("orders.refund")
def refund(request, account, purchase_order_id):
    return _change(request, account, purchase_order_id, Action.Kind.REFUND, lines.refund)
