"""Exact Online REST endpoints under /api/v1/: current/Me and the entities the connector reads and writes."""

import json
import uuid
from decimal import Decimal

from django.db import IntegrityError
from django.http import HttpResponse

from sandbox import clock, shapes
from sandbox.exact_online import data, documents, inventory, odata
from sandbox.exact_online.api import exact_api, ok
from sandbox.exact_online.models import Document, GoodsDelivery, StockCount, WebhookSubscription
from sandbox.exact_online.webhooks import TOPICS

SYNC_PAGE_SIZE = 1000  # sync/ and bulk/ endpoints return up to 1000 records a page
ITEM = "Exact.Web.Api.Models.Logistics.Item"
ITEM_WAREHOUSE = "Exact.Web.Api.Models.Inventory.ItemWarehouse"
ITEM_WAREHOUSE_FIELDS = ("ID", "Item", "ItemCode", "ItemDescription", "Warehouse", "WarehouseCode", "CurrentStock",
                         "PlannedStockIn", "PlannedStockOut", "ProjectedStock", "ReservedStock", "SafetyStock")


def _fields(type_name, rows, extra=()):
    names = set(extra)
    for row in rows[:1]:
        names |= set(row)
    return odata.Fields(type_name, names)


def _collection(request, rows, *, key, type_name, lines=None, page_size=odata.PAGE_SIZE, fields=()):
    return ok(odata.query(request, rows, key=key, fields=_fields(type_name, rows, fields), lines=lines,
                          page_size=page_size))


def _body(request):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise odata.QueryError("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise odata.QueryError("The request body must be a JSON object")
    return body


@exact_api
def me(request, account, division):
    row = {"CurrentDivision": division, "FullName": account.settings.get("full_name", "Sandbox User"),
           "UserID": data.guid("user", account.key), "UserName": account.settings.get("user_name", "sandbox@example.com"),
           "LanguageCode": "en-US", "DivisionCustomer": data.guid("division", division)}
    return _collection(request, [row], key="UserID", type_name="Exact.Web.Api.System.Me")


@exact_api
def items(request, account, division):
    # The catalog's items with the prices levels set, kept between pages (10,000+ items in benchmarks).
    return ok(odata.query(request, inventory.items, key="ID", fields=odata.Fields(ITEM, set(data.items()[0])),
                          version=inventory.items_version()))


@exact_api
def warehouses(request, account, division):
    rows = [{**w, "Main": n == 0, "Created": data.CREATED} for n, w in enumerate(data.warehouses())]
    return _collection(request, rows, key="ID", type_name="Exact.Web.Api.Models.Inventory.Warehouse")


@exact_api
def gl_accounts(request, account, division):
    return _collection(request, list(data.gl_accounts()), key="ID", type_name="Exact.Web.Api.Models.GLAccount")


@exact_api
def cost_centers(request, account, division):
    return _collection(request, list(data.cost_centers()), key="ID", type_name="Exact.Web.Api.Models.HRM.Costcenter")


@exact_api
def accounts(request, account, division):
    return _collection(request, list(data.accounts()), key="ID", type_name="Exact.Web.Api.Models.Account")


@exact_api
def item_warehouses(request, account, division):
    def rows():
        return [{k: v for k, v in r.items() if k != "Timestamp"} for r in inventory.stock_rows(account, division)]

    return ok(odata.query(request, rows, key="ID", fields=odata.Fields(ITEM_WAREHOUSE, ITEM_WAREHOUSE_FIELDS),
                          version=inventory.stock_version(account, division)))


@exact_api
def stock_positions(request, account, division):
    rows = [{"Timestamp": r["Timestamp"], "ID": r["ID"], "ItemId": r["Item"], "ItemCode": r["ItemCode"],
             "Warehouse": r["Warehouse"], "WarehouseCode": r["WarehouseCode"], "InStock": r["CurrentStock"],
             "PlanningIn": r["PlannedStockIn"], "PlanningOut": r["PlannedStockOut"],
             "FreeStock": r["CurrentStock"] - r["PlannedStockOut"], "ReservedStock": r["ReservedStock"]}
            for r in inventory.stock_rows(account, division)]
    return _collection(request, rows, key="Timestamp", type_name="Exact.Web.Api.Models.Sync.Inventory.StockPosition",
                       page_size=SYNC_PAGE_SIZE)


# --- documents -----------------------------------------------------------------------------------

DOCUMENT_TYPES = {
    # url entity -> (kind, key field, lines property, OData type name, creator, fields, line fields)
    "SalesOrders": (Document.Kind.SALES_ORDER, "OrderID", "SalesOrderLines", "Exact.Web.Api.Models.SalesOrder",
                    documents.create_sales_order, documents.SALES_ORDER_FIELDS, documents.SALES_ORDER_LINE_FIELDS),
    "SalesInvoices": (Document.Kind.SALES_INVOICE, "InvoiceID", "SalesInvoiceLines",
                      "Exact.Web.Api.Models.SalesInvoice", documents.create_sales_invoice,
                      documents.SALES_INVOICE_FIELDS, documents.SALES_INVOICE_LINE_FIELDS),
}


def _documents(account, division, kind):
    qs = Document.objects.filter(account=account, division=division, kind=kind, deleted=False)
    return [documents.native(d.data) for d in qs]


@exact_api
def document_collection(request, account, division, entity):
    kind, key, lines, type_name, create, fields, _ = DOCUMENT_TYPES[entity]
    if request.method == "POST":
        endpoint = request.build_absolute_uri(request.path)
        try:
            document = create(account, division, _body(request), endpoint)
        except documents.Invalid as exc:
            return shapes.exact_error(400, str(exc))
        return ok(odata.project(documents.native(document.data), [], lines, {lines}, request), status=201)
    if request.method != "GET":
        return shapes.exact_error(405, f"Method {request.method} is not allowed")
    return _collection(request, _documents(account, division, kind), key=key, type_name=type_name, lines=lines,
                       fields=fields)


@exact_api
def document_lines(request, account, division, entity):
    kind, _, lines, type_name, _, _, line_fields = DOCUMENT_TYPES[entity]
    rows = [line for doc in _documents(account, division, kind) for line in doc.get(lines, [])]
    return _collection(request, rows, key="ID", type_name=type_name + "Line", fields=line_fields)


@exact_api
def document_entity(request, account, division, entity, key):
    kind, _, lines, *_ = DOCUMENT_TYPES[entity]
    document = Document.objects.filter(account=account, division=division, kind=kind, key=key, deleted=False).first()
    if document is None:
        return shapes.exact_error(404, "Record not found")
    if request.method == "DELETE":
        Document.objects.filter(pk=document.pk).update(deleted=True)
        return HttpResponse(status=204)
    select = [s.strip() for s in request.GET.get("$select", "").split(",") if s.strip()]
    expand = {e.strip() for e in request.GET.get("$expand", "").split(",") if e.strip()}
    return ok(odata.project(documents.native(document.data), select, lines, expand, request))


@exact_api
def goods_deliveries(request, account, division):
    """Read-only here: deliveries are made by sandbox.exact_online.fulfil (as the warehouse would)."""
    rows = [documents.native(d.data) for d in GoodsDelivery.objects.filter(account=account, division=division)]
    return _collection(request, rows, key="EntryID", type_name="Exact.Web.Api.Models.SalesOrder.GoodsDelivery",
                       lines="GoodsDeliveryLines", fields=documents.GOODS_DELIVERY_FIELDS)


@exact_api
def goods_delivery_lines(request, account, division):
    rows = [documents.native(line) for d in GoodsDelivery.objects.filter(account=account, division=division)
            for line in d.data["GoodsDeliveryLines"]]
    return _collection(request, rows, key="ID", type_name="Exact.Web.Api.Models.SalesOrder.GoodsDeliveryLine",
                       fields=documents.GOODS_DELIVERY_LINE_FIELDS)


@exact_api
def stock_counts(request, account, division):
    """POST creates a draft count (Status 12); GET lists counts, e.g. $filter=Description eq '<our reference>'."""
    if request.method == "POST":
        try:
            count = documents.create_stock_count(account, division, _body(request))
        except documents.Invalid as exc:
            return shapes.exact_error(400, str(exc))
        return ok(odata.project(documents.native(count.data), [], "StockCountLines", {"StockCountLines"}, request),
                  status=201)
    if request.method != "GET":
        return shapes.exact_error(405, f"Method {request.method} is not allowed")
    rows = [documents.native(c.data) for c in StockCount.objects.filter(account=account, division=division)]
    return _collection(request, rows, key="StockCountID", type_name="Exact.Web.Api.Models.Inventory.StockCount",
                       lines="StockCountLines", fields=documents.STOCK_COUNT_FIELDS)


@exact_api
def process_stock_count(request, account, division):
    """The ProcessStockCount function: POST {"StockCountID": guid} processes a draft count."""
    if request.method != "POST":
        return shapes.exact_error(405, f"Method {request.method} is not allowed")
    body = _body(request)
    try:
        count = documents.process_stock_count(account, division, body.get("StockCountID"))
    except documents.Invalid as exc:
        return shapes.exact_error(400, str(exc))
    return ok({"StockCountID": str(count.key), "Division": division, "ErrorMessage": None,
               "SuccessMessage": f"Stock count {count.number} has been processed"}, status=201)


# --- webhook subscriptions -------------------------------------------------------------------------

def _subscription(s):
    return {"ID": str(s.key), "CallbackURL": s.callback_url, "Topic": s.topic, "Division": s.division,
            "ClientID": s.account.key, "Description": None, "IsInstant": False,
            "UserID": data.guid("user", s.account.key), "Created": s.created_at}


@exact_api
def webhook_subscriptions(request, account, division):
    if request.method == "POST":
        body = _body(request)
        topic, url = body.get("Topic") or "", body.get("CallbackURL") or ""
        if topic not in TOPICS:
            return shapes.exact_error(400, f"Topic: Invalid value '{topic}'")
        if not url.startswith(("http://", "https://")):
            return shapes.exact_error(400, "CallbackURL: Mandatory")
        try:
            subscription = WebhookSubscription.objects.create(account=account, division=division, key=uuid.uuid4(),
                                                              topic=topic, callback_url=url, created_at=clock.now())
        except IntegrityError:
            return shapes.exact_error(400, f"A subscription for topic '{topic}' already exists in this division")
        return ok(_subscription(subscription), status=201)
    rows = [_subscription(s) for s in WebhookSubscription.objects.filter(account=account, division=division)]
    return _collection(request, rows, key="ID", type_name="Exact.Web.Api.Models.Webhooks.WebhookSubscription",
                       fields=("ID", "CallbackURL", "Topic", "Division", "Created"))


@exact_api
def webhook_subscription(request, account, division, key):
    subscription = WebhookSubscription.objects.filter(account=account, division=division, key=key).first()
    if subscription is None:
        return shapes.exact_error(404, "Record not found")
    if request.method == "DELETE":
        subscription.delete()
        return HttpResponse(status=204)
    return ok(_subscription(subscription))
