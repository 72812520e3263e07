"""Inventory (walmart/openapi/inventory.json): one SKU at one node (GET/PUT /v3/inventory), one SKU
at all nodes (GET/PUT /v3/inventories/{sku}) and every SKU at every node (GET /v3/inventories,
paged by a nextCursor that changes on every call, as the spec warns).
"""

import base64
import binascii
import uuid

from django.http import HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.walmart.endpoint import walmart_api
from sandbox.walmart_listings import feeds, profile, wire
from sandbox.walmart_listings.models import Listing, StockLevel

MAX_INVENTORIES_PAGE = 50  # "Cannot be more than 50."
SERVICE = "GMP_INVENTORY_API"


def node_json(stock):
    return {
        "shipNode": stock.ship_node,
        "inputQty": wire.quantity(stock.quantity),
        "availToSellQty": wire.quantity(max(0, stock.quantity - stock.reserved)),
        "reservedQty": wire.quantity(stock.reserved),
    }


def _listing(account, sku):
    listing = Listing.objects.filter(account=account, sku=sku).first()
    if listing is None:
        raise wire.BadRequest(f"CONTENT_NOT_FOUND.{SERVICE}", f"SKU {sku} not found", field="sku", status=404)
    return listing


def _writable_node(account, node_id):
    """The node id if the seller may set quantities there, else a BadRequest (Walmart's 400)."""
    node = profile.ship_node(account, node_id)
    if node is None:
        raise wire.BadRequest(f"INVALID_REQUEST_PARAM.{SERVICE}", f"Ship node {node_id} not found for this seller",
                              field="shipNode")
    if node.node_type == "WFSFulfilled":
        raise wire.BadRequest(f"INVALID_REQUEST_PARAM.{SERVICE}", f"Ship node {node_id} is Walmart-fulfilled",
                              field="shipNode")
    return node_id


def _amount(quantity, field):
    if not isinstance(quantity, dict) or quantity.get("unit") != "EACH" or type(quantity.get("amount")) is not int:
        raise wire.BadRequest(f"INVALID_REQUEST_CONTENT.{SERVICE}", f"{field} must be {{unit: EACH, amount: integer}}", field=field)
    if quantity["amount"] < 0:
        raise wire.BadRequest(f"INVALID_REQUEST_CONTENT.{SERVICE}", f"{field}.amount must not be negative", field=field)
    return quantity["amount"]


@csrf_exempt
def inventory(request):
    """GET or PUT /v3/inventory: each method in its own rate-limit bucket, as on Walmart."""
    if request.method == "GET":
        return _get_inventory(request)
    if request.method == "PUT":
        return _put_inventory(request)
    return HttpResponseNotAllowed(["GET", "PUT"])


@walmart_api("inventory")
@wire.handles_bad_requests
def _get_inventory(request, account):
    feeds.apply_due(account)
    listing = _listing(account, wire.required_param(request, "sku"))
    node_id = request.GET.get("shipNode") or profile.default_ship_node(account)
    stock = StockLevel.objects.filter(listing=listing, ship_node=node_id).first()
    if stock is None and profile.ship_node(account, node_id) is None:
        raise wire.BadRequest(f"CONTENT_NOT_FOUND.{SERVICE}", f"Ship node {node_id} not found", field="shipNode", status=404)
    return wire.ok({"sku": listing.sku, "quantity": wire.quantity(stock.quantity if stock else 0)})


@walmart_api("inventory")
@wire.handles_bad_requests
def _put_inventory(request, account):
    feeds.apply_due(account)  # a feed that is already due must not overwrite this newer value later
    sku = wire.required_param(request, "sku")
    body = wire.json_body(request)
    if body.get("sku") not in (None, sku):
        raise wire.BadRequest(f"INVALID_REQUEST_CONTENT.{SERVICE}", "sku in the body differs from the sku parameter", field="sku")
    amount = _amount(body.get("quantity"), "quantity")
    listing = _listing(account, sku)
    node_id = _writable_node(account, request.GET.get("shipNode") or profile.default_ship_node(account))
    feeds.set_quantity(account, listing, node_id, amount, source="PUT /v3/inventory")
    return wire.ok({"sku": sku, "quantity": wire.quantity(amount)})


@csrf_exempt
def sku_inventories(request, sku):
    if request.method == "GET":
        return _get_sku_inventories(request, sku)
    if request.method == "PUT":
        return _put_sku_inventories(request, sku)
    return HttpResponseNotAllowed(["GET", "PUT"])


@walmart_api("inventories")
@wire.handles_bad_requests
def _get_sku_inventories(request, account, sku):
    feeds.apply_due(account)
    listing = _listing(account, sku)
    stock = listing.stock.all()
    if request.GET.get("shipNode"):
        stock = stock.filter(ship_node=request.GET["shipNode"])
    return wire.ok({"sku": listing.sku, "nodes": [node_json(s) for s in stock]})


@walmart_api("inventories")
@wire.handles_bad_requests
def _put_sku_inventories(request, account, sku):
    feeds.apply_due(account)
    body = wire.json_body(request)
    nodes = (body.get("inventories") or {}).get("nodes") if isinstance(body.get("inventories"), dict) else None
    if not isinstance(nodes, list) or not nodes:
        raise wire.BadRequest(f"INVALID_REQUEST_CONTENT.{SERVICE}", "inventories.nodes[] is required", field="inventories")
    listing = _listing(account, sku)
    result = []
    for i, node in enumerate(nodes):
        node_id = node.get("shipNode") if isinstance(node, dict) else None
        try:
            amount = _amount(node.get("inputQty") if isinstance(node, dict) else None, f"inventories.nodes[{i}].inputQty")
            _writable_node(account, node_id)
        except wire.BadRequest as exc:
            # Each node succeeds or fails on its own, as the per-node status in the response says.
            result.append({"shipNode": node_id, "status": "Failed", "errors": [{"code": "INVALID_REQUEST_CONTENT",
                                                                               "description": str(exc)}]})
            continue
        feeds.set_quantity(account, listing, node_id, amount, source="PUT /v3/inventories/{sku}")
        result.append({"shipNode": node_id, "status": "Success"})
    return wire.ok({"sku": sku, "nodes": result})


def _cursor(offset):
    return base64.b64encode(f"{uuid.uuid4()} {offset}".encode()).decode()


def _cursor_offset(value):
    try:
        return int(base64.b64decode(value.encode(), validate=True).decode().rsplit(" ", 1)[1])
    except (binascii.Error, ValueError, IndexError, UnicodeDecodeError):
        raise wire.BadRequest(f"INVALID_REQUEST_PARAM.{SERVICE}", "nextCursor is not valid", field="nextCursor") from None


@require_http_methods(["GET"])
@walmart_api("inventories")
@wire.handles_bad_requests
def inventories(request, account):
    feeds.apply_due(account)
    limit = wire.int_param(request, "limit", 10, minimum=1, maximum=MAX_INVENTORIES_PAGE)
    offset = _cursor_offset(request.GET["nextCursor"]) if request.GET.get("nextCursor") else 0
    listings = Listing.objects.filter(account=account)
    total = listings.count()
    page = list(listings.prefetch_related("stock")[offset:offset + limit])
    meta = {"totalCount": total}
    if offset + len(page) < total:
        meta["nextCursor"] = _cursor(offset + len(page))
    return wire.ok({"meta": meta, "elements": {"inventories": [
        {"sku": listing.sku, "nodes": [node_json(s) for s in listing.stock.all()]} for listing in page
    ]}})
