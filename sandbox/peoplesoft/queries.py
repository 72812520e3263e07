"""Query Access Services: ExecuteQuery.v1 for the public queries our setup guide asks for.

GET .../ExecuteQuery.v1/PUBLIC/<QUERY>/JSON/NONFILE?isconnectedquery=N&maxrows=N
    &prompt_uniquepromptname=A,B&prompt_fieldvalue=x,y&json_resp=true
answers {"status": "success", "data": {"query": {"numrows", "queryname", "rows": [...]}}} with
"<alias>.<FIELD>" column keys (erp-samples/peoplesoft). maxrows=0 returns every row.
"""

import itertools
import json
import re
from datetime import date

from django.db.models import F
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from sandbox import catalog, shapes
from sandbox.peoplesoft.gateway import operation
from sandbox.peoplesoft.models import ItemBalance, PoSchedule, ReceiptLine

OPEN_STATUSES = ("Approved", "Dispatched")


class PromptError(Exception):
    pass


def _number(value):
    """Quantities as JSON numbers, like QAS sends them."""
    return int(value) if value == value.to_integral_value() else float(value)


def _like_regex(pattern):
    return "^" + "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern) + "$"


def _like(queryset, field, pattern):
    """PS Query's LIKE criterion: % any run, _ any character; no wildcard = equality."""
    if pattern == "%":
        return queryset
    if "%" not in pattern and "_" not in pattern:
        return queryset.filter(**{field: pattern})
    return queryset.filter(**{f"{field}__regex": _like_regex(pattern)})


def _like_rows(rows, column, pattern):
    """The same LIKE over master-data rows (dicts)."""
    regex = re.compile(_like_regex(pattern))
    return [row for row in rows if regex.match(row[column])]


def _required(prompts, name, query):
    if name not in prompts:
        raise PromptError(f"Query {query}: prompt {name} requires a value")
    return prompts[name]


def open_po_lines(prompts):
    """PO_HDR A + PO_LINE/PO_LINE_SHIP B, open schedules of approved or dispatched POs, sorted by PO_ID."""
    q = "ML_OPEN_PO_LINES"
    rows = PoSchedule.objects.filter(po_status__in=OPEN_STATUSES, qty_received__lt=F("qty_po"))
    rows = _like(rows, "business_unit", _required(prompts, "BUSINESS_UNIT", q))
    rows = _like(rows, "inv_item_id", _required(prompts, "INV_ITEM_ID", q))
    rows = _like(rows, "vendor_id", _required(prompts, "VENDOR_ID", q))
    date_from = _required(prompts, "FROM_DATE", q)
    if date_from:
        try:
            rows = rows.filter(po_dt__gte=date.fromisoformat(date_from))
        except ValueError:
            raise PromptError(f"Query {q}: {date_from} is not a valid date for prompt FROM_DATE (YYYY-MM-DD)") from None
    after = _required(prompts, "AFTER_PO_ID", q)
    if after:
        rows = rows.filter(po_id__gt=after)
    return [{
        "A.BUSINESS_UNIT": s.business_unit, "A.PO_ID": s.po_id, "A.VENDOR_ID": s.vendor_id,
        "A.PO_DT": s.po_dt.isoformat(), "A.PO_STATUS": s.po_status, "B.LINE_NBR": s.line_nbr,
        "B.SCHED_NBR": s.sched_nbr, "B.INV_ITEM_ID": s.inv_item_id, "B.QTY_PO": _number(s.qty_po),
        "B.QTY_RECEIVED": _number(s.qty_received), "B.UNIT_OF_MEASURE": s.unit_of_measure,
        "B.SHIPTO_SETID": s.shipto_setid, "B.SHIPTO_ID": s.shipto_id, "B.BUSINESS_UNIT_IN": s.business_unit_in,
    } for s in rows.order_by("po_id", "business_unit", "line_nbr", "sched_nbr")]


def inventory_balances(prompts):
    """BU_ITEMS_INV A for one business unit, sorted by INV_ITEM_ID."""
    q = "ML_INV_BALANCES"
    rows = ItemBalance.objects.filter(business_unit=_required(prompts, "BUSINESS_UNIT", q))
    rows = _like(rows, "inv_item_id", _required(prompts, "INV_ITEM_ID", q))
    after = _required(prompts, "AFTER_ITEM_ID", q)
    if after:
        rows = rows.filter(inv_item_id__gt=after)
    # Lazy, from .values(): execute_query cuts it at maxrows, so a page of a 100,000-item unit reads
    # only its own rows. Available may go below zero (a unit that allows negative inventory).
    return ({
        "A.BUSINESS_UNIT": bu, "A.INV_ITEM_ID": item, "A.QTY_ONHAND": _number(onhand),
        "A.QTY_AVAILABLE": _number(onhand - reserved), "A.QTY_RESERVED": _number(reserved),
    } for bu, item, onhand, reserved in rows.order_by("inv_item_id").values_list(
        "business_unit", "inv_item_id", "qty_onhand", "qty_reserved").iterator(chunk_size=5000))


def po_receipts(prompts):
    """RECV_HDR A + RECV_LN_SHIP B where A.BILL_OF_LADING LIKE the prompt (the connector sends
    "<reference>%" to find a receipt and the parts "<reference>-k/n" of a split order in one call)."""
    reference = _required(prompts, "REFERENCE", "ML_PO_RECEIPTS")
    lines = _like(ReceiptLine.objects.select_related("receipt", "schedule"), "receipt__bill_of_lading", reference)
    return [{
        "A.BUSINESS_UNIT": ln.receipt.business_unit, "A.RECEIVER_ID": ln.receipt.receiver_id,
        "A.RECEIPT_DT": ln.receipt.receipt_dt.isoformat(), "A.VENDOR_ID": ln.receipt.vendor_id,
        "A.BILL_OF_LADING": ln.receipt.bill_of_lading, "B.RECV_LN_NBR": ln.recv_ln_nbr,
        "B.PO_ID": ln.schedule.po_id, "B.LINE_NBR": ln.schedule.line_nbr, "B.SCHED_NBR": ln.schedule.sched_nbr,
        "B.INV_ITEM_ID": ln.schedule.inv_item_id, "B.QTY_SH_RECVD": _number(ln.qty),
        "B.UNIT_OF_MEASURE": ln.unit_of_measure,
    } for ln in lines.order_by("receipt__business_unit", "receipt__receiver_id", "recv_ln_nbr")]


# Master data is the demo catalog's, fixed like a customer's setup tables (the seed derives POs from it too).
def vendors(prompts):
    """VENDOR A: suppliers, A.VENDOR_ID LIKE the prompt."""
    rows = [{"A.SETID": "SHARE", "A.VENDOR_ID": s.vendor_id, "A.NAME1": s.name, "A.VENDOR_STATUS": "A"}
            for s in catalog.SUPPLIERS]
    return _like_rows(rows, "A.VENDOR_ID", _required(prompts, "VENDOR_ID", "ML_VENDORS"))


def items(prompts):
    """MASTER_ITEM_TBL A: items, A.INV_ITEM_ID LIKE the prompt."""
    rows = [{"A.SETID": "SHARE", "A.INV_ITEM_ID": it.item_code, "A.DESCR": it.name, "A.ITM_STATUS_CURRENT": "1"}
            for it in catalog.items()]
    return _like_rows(rows, "A.INV_ITEM_ID", _required(prompts, "INV_ITEM_ID", "ML_ITEMS"))


def inventory_units(prompts):
    """BUS_UNIT_TBL_IN A: inventory business units (one per ship node's warehouse), BUSINESS_UNIT LIKE the prompt."""
    rows = [{"A.BUSINESS_UNIT": n.warehouse, "A.DESCR": n.name} for n in catalog.SHIP_NODES]
    return _like_rows(rows, "A.BUSINESS_UNIT", _required(prompts, "BUSINESS_UNIT", "ML_INV_UNITS"))


QUERIES = {"ML_OPEN_PO_LINES": open_po_lines, "ML_INV_BALANCES": inventory_balances, "ML_PO_RECEIPTS": po_receipts,
           "ML_VENDORS": vendors, "ML_ITEMS": items, "ML_INV_UNITS": inventory_units}


def _prompts(request):
    names = [n for n in request.GET.get("prompt_uniquepromptname", "").split(",") if n]
    values = request.GET.get("prompt_fieldvalue", "").split(",") if names else []
    if len(names) != len(values):
        raise PromptError(f"{len(names)} prompt names but {len(values)} prompt values")
    return {name.strip().upper(): value for name, value in zip(names, values)}


@require_http_methods(["GET"])
@operation(lambda kwargs, settings: "ExecuteQuery.v1")
def execute_query(request, account, node, owner, query, output, destination):
    if owner.upper() != "PUBLIC" or query.upper() not in QUERIES:
        return shapes.peoplesoft_error(404, f"Query {query} ({owner}) does not exist or is not accessible")
    if output.upper() != "JSON" or destination.upper() != "NONFILE":
        return shapes.peoplesoft_error(400, f"Output format {output}/{destination}: this gateway serves JSON/NONFILE")
    try:
        maxrows = int(request.GET.get("maxrows", "0"))
    except ValueError:
        return shapes.peoplesoft_error(400, "maxrows must be a whole number")
    try:
        rows = QUERIES[query.upper()](_prompts(request))
    except PromptError as exc:
        return shapes.peoplesoft_error(400, str(exc))
    rows = [{"attr:rownumber": number, **row}
            for number, row in enumerate(itertools.islice(rows, maxrows if maxrows > 0 else None), start=1)]
    body = {"status": "success", "data": {"query": {"numrows": len(rows), "queryname": query.upper(), "rows": rows}}}
    return HttpResponse(json.dumps(body), content_type="application/json")
