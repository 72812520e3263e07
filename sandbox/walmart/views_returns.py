"""Returns API emulator (walmart/openapi/returns.json; walmart-api.md §3).

GET /v3/returns with its filters and `meta.nextCursor` ("?...&offset=10", as in Walmart's example);
POST /v3/returns/{returnOrderId}/refund refunds the given return lines.
"""

import copy
import json

from django.db import transaction
from django.http import HttpResponse

from sandbox import clock
from sandbox.walmart import paging, records
from sandbox.walmart import shapes_errors as errors
from sandbox.walmart.endpoint import walmart_api
from sandbox.walmart.models import Action, ReturnOrder

DEFAULT_LIMIT = 10
STATUSES = ("INITIATED", "DELIVERED", "COMPLETED")
RETURN_TYPES = ("REFUND", "REPLACEMENT")
DATE_FILTERS = {
    "returnCreationStartDate": ("return_order_date__gte", "returnCreationEndDate"),
    "returnCreationEndDate": ("return_order_date__lte", None),
    "returnLastModifiedStartDate": ("last_modified__gte", "returnLastModifiedEndDate"),
    "returnLastModifiedEndDate": ("last_modified__lte", None),
}


def _json(body, status=200):
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _filtered(account, params):
    params = dict(params)
    now = clock.now()
    for start, (_, end) in DATE_FILTERS.items():
        if end and params.get(start) and not params.get(end):
            params[end] = records.iso(now)  # freeze the window for the pages to come
    qs = ReturnOrder.objects.filter(account=account)
    for name, (lookup, _) in DATE_FILTERS.items():
        if params.get(name):
            try:
                qs = qs.filter(**{lookup: records.parse_instant(params[name])})
            except ValueError:
                raise paging.BadParam(name, f"{name} must be a date or a UTC timestamp") from None
    if params.get("status"):
        if params["status"] not in STATUSES:
            raise paging.BadParam("status", f"status must be one of {', '.join(STATUSES)}")
        qs = qs.filter(status__contains=f"|{params['status']}|")
    if params.get("returnType"):
        if params["returnType"] not in RETURN_TYPES:
            raise paging.BadParam("returnType", "returnType must be REFUND or REPLACEMENT")
        qs = qs.filter(return_type=params["returnType"])
    if params.get("returnOrderId"):
        qs = qs.filter(return_order_id=params["returnOrderId"])
    if params.get("customerOrderId"):
        qs = qs.filter(customer_order_id=params["customerOrderId"])
    return qs.order_by("return_order_date", "id"), params


@walmart_api("returns.list")
def return_list(request, account):
    if request.method != "GET":
        return errors.method_not_allowed(request.method)
    try:
        size = paging.limit(request.GET, default=DEFAULT_LIMIT)
        start = paging.offset(request.GET, "offset")
        qs, carried = _filtered(account, request.GET.dict())
    except paging.BadParam as exc:
        return exc.response()
    total = qs.count()
    page = list(qs[start:start + size])
    cursor = paging.next_cursor(carried, total=total, start=start, size=size, offset_key="offset",
                                extra={"sellerId": str(account.pk)})
    # The returns document requires nextCursor: an empty one marks the last page.
    meta = {"totalCount": total, "limit": size, "nextCursor": cursor or ""}
    return _json({"meta": meta, "returnOrders": [r.data for r in page]})


def _refund_lines(data, body):
    """Mark the requested lines refunded; returns a refused field and message, or None."""
    if str(body.get("customerOrderId") or "") != str(data.get("customerOrderId") or ""):
        return "customerOrderId", "customerOrderId does not belong to this return order"
    lines = data.get("returnOrderLines") or []
    requested = body.get("refundLines")
    if not isinstance(requested, list):
        return "refundLines", "refundLines is required"
    if not requested:
        if len(lines) != 1:
            return "refundLines", "returnOrderLineNumber is required when the return has several lines"
        requested = [{"returnOrderLineNumber": lines[0].get("returnOrderLineNumber")}]
    by_number = {str(line.get("returnOrderLineNumber")): line for line in lines}
    now = records.iso(clock.now())
    for i, item in enumerate(requested):
        number = str(item.get("returnOrderLineNumber"))
        line = by_number.get(number)
        if line is None:
            return f"refundLines[{i}].returnOrderLineNumber", f"return order line {number} does not exist"
        if line.get("currentRefundStatus") == "REFUNDED":
            return f"refundLines[{i}].returnOrderLineNumber", f"return order line {number} is already refunded"
        line["currentRefundStatus"] = "REFUNDED"
        line["refundedQty"] = (line.get("quantity") or {}).get("measurementValue", 1)
        line["refundChannel"] = "SELLER_MANUAL_REFUND"
        line["status"] = "COMPLETED"
        line["statusTime"] = now
    return None


@walmart_api("returns.refund")
def refund(request, account, return_order_id):
    if request.method != "POST":
        return errors.method_not_allowed(request.method)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.malformed()
    if not isinstance(body, dict) or not body.get("customerOrderId"):
        return errors.bad_content("customerOrderId", "customerOrderId is required", "MISSING_REQUEST_PARAM.GMP_RETURNS_API")
    now = clock.now()
    with transaction.atomic():
        record = ReturnOrder.objects.select_for_update().filter(account=account, return_order_id=return_order_id).first()
        if record is None:
            return errors.not_found(f"Return order {return_order_id}", field="returnOrderId")
        data = copy.deepcopy(record.data)
        refused = _refund_lines(data, body)
        if refused:
            return errors.bad_content(*refused)
        records.save_return(account, data, now=now)
        Action.objects.create(account=account, kind=Action.Kind.RETURN_REFUND, reference=return_order_id, at=now,
                              request=body)
    return _json({"returnOrderId": return_order_id, "customerOrderId": body["customerOrderId"],
                  "refundLines": [{"returnOrderLineNumber": int(str(x.get("returnOrderLineNumber")))}
                                  for x in body.get("refundLines") or []] or
                                 [{"returnOrderLineNumber": int(str(data["returnOrderLines"][0]
                                                                    .get("returnOrderLineNumber")))}]})

