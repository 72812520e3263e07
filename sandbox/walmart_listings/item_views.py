"""Items (GET /v3/items, GET /v3/items/{id}), the legacy single price update (PUT /v3/price) and the
seller settings the connector reads (partner profile with feed throttles, ship nodes).

Shapes follow walmart/openapi/items.json, price.json and settings.json and their examples.
"""

import base64
import binascii
import json
from decimal import Decimal, InvalidOperation

from django.views.decorators.http import require_http_methods

from sandbox.walmart.endpoint import walmart_api
from sandbox.walmart_listings import feeds, profile, wire
from sandbox.walmart_listings.models import Listing

ITEM_FILTERS = ("sku", "lifecycleStatus", "publishedStatus", "variantGroupId")
MAX_ITEMS_PAGE = 200  # the spec: "Used for pagination when more than 200 items are retrieved"
PRICE_UPDATED = ("Thank you. Your price has been updated. Please allow up to five minutes for this change "
                 "to be reflected on the site.")


def item_json(listing):
    return {
        "mart": "WALMART_US", "sku": listing.sku, "wpid": listing.wpid, "upc": listing.upc, "gtin": listing.gtin,
        "productName": listing.product_name, "shelf": json.dumps(["Home Page", listing.product_type]),
        "productType": listing.product_type, "price": {"currency": listing.currency, "amount": listing.price},
        "publishedStatus": listing.published_status, "lifecycleStatus": listing.lifecycle_status,
    }


def _cursor(offset, filters):
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "f": filters}).encode()).decode()


def _read_cursor(value):
    """(offset, filters) from our opaque cursor; "*" (the spec's default) starts at the beginning."""
    if value == "*":
        return 0, None
    try:
        data = json.loads(base64.urlsafe_b64decode(value.encode()))
        return int(data["o"]), dict(data["f"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise wire.BadRequest("INVALID_REQUEST_PARAM.GMP_ITEM_QUERY_API", "nextCursor is not valid", field="nextCursor") from None


@require_http_methods(["GET"])
@walmart_api("items")
@wire.handles_bad_requests
def items(request, account):
    feeds.apply_due(account)
    limit = wire.int_param(request, "limit", 20, minimum=1, maximum=MAX_ITEMS_PAGE)
    filters = {k: request.GET[k] for k in ITEM_FILTERS if request.GET.get(k)}
    offset = wire.int_param(request, "offset", 0)
    if request.GET.get("nextCursor"):
        # A cursor carries the position and the filters of the first call.
        cursor_offset, cursor_filters = _read_cursor(request.GET["nextCursor"])
        if cursor_filters is not None:
            offset, filters = cursor_offset, cursor_filters
    listings = Listing.objects.filter(account=account)
    if "sku" in filters:
        listings = listings.filter(sku=filters["sku"])
    if "lifecycleStatus" in filters:
        listings = listings.filter(lifecycle_status=filters["lifecycleStatus"].upper())
    if "publishedStatus" in filters:
        listings = listings.filter(published_status=filters["publishedStatus"].upper())
    if "variantGroupId" in filters:
        listings = listings.none()  # the emulated catalog has no variant groups
    total = listings.count()
    page = list(listings[offset:offset + limit])
    body = {"ItemResponse": [item_json(listing) for listing in page], "totalItems": total}
    if offset + len(page) < total:
        body["nextCursor"] = _cursor(offset + len(page), filters)
    return wire.ok(body)


@require_http_methods(["GET"])
@walmart_api("items")
@wire.handles_bad_requests
def item(request, account, id):
    feeds.apply_due(account)
    id_type = (request.GET.get("productIdType") or "SKU").upper()
    field = {"SKU": "sku", "GTIN": "gtin", "UPC": "upc", "ITEM_ID": "wpid"}.get(id_type)
    if field is None:
        raise wire.BadRequest("INVALID_REQUEST_PARAM.GMP_ITEM_QUERY_API",
                              "productIdType must be one of SKU, GTIN, UPC, ITEM_ID", field="productIdType")
    listing = Listing.objects.filter(account=account, **{field: id}).first() if id else None
    if listing is None:
        return wire.not_found("GMP_ITEM_QUERY_API", f"Item {id} not found", field="id")
    return wire.ok({"ItemResponse": [item_json(listing)], "totalItems": 1})


@require_http_methods(["PUT"])
@walmart_api("price")
@wire.handles_bad_requests
def price(request, account):
    body = wire.json_body(request)
    sku, pricing = body.get("sku"), body.get("pricing")
    if not sku or not isinstance(pricing, list) or not pricing or not isinstance(pricing[0], dict):
        raise wire.BadRequest("INVALID_REQUEST_CONTENT.GMP_PRICE_API", "sku and pricing[] are required", field="pricing")
    current = pricing[0].get("currentPrice") or {}
    try:
        amount = Decimal(str(current.get("amount")))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0:
        raise wire.BadRequest("INVALID_REQUEST_CONTENT.GMP_PRICE_API", "currentPrice.amount must be a positive number",
                              field="currentPrice.amount")
    listing = Listing.objects.filter(account=account, sku=sku).first()
    if listing is None:
        return wire.not_found("GMP_PRICE_API", f"SKU {sku} not found", field="sku")
    feeds.set_price(account, listing, amount.quantize(Decimal("0.01")), source="PUT /v3/price")
    return wire.ok({"ItemPriceResponse": {"mart": "WALMART_US", "message": PRICE_UPDATED, "sku": sku}})


def partner_id(account):
    return str(account.settings.get("partner_id") or 10000000 + account.pk)


@require_http_methods(["GET"])
@walmart_api("settings")
def partner_profile(request, account):
    values = []
    for feed_type in profile.FEED_TYPES:
        throttle = profile.feed_throttle(account, feed_type)
        values.append({"feedType": feed_type, "throttleConfigurations": [{
            "type": "SELLER",
            "rate": {"count": throttle.count, "replenishTimeWindow": {"value": throttle.window, "unitOfMeasurement": "SECOND"}},
            "fileSize": {"value": throttle.file_size, "unitOfMeasurement": "BYTES"},
        }]})
    name = account.name or account.key
    return wire.ok({
        "partner": {"partnerId": partner_id(account), "partnerName": name, "partnerDisplayName": name},
        "configurations": [
            {"configurationName": "ACCOUNT", "configuration": {"status": "ACTIVE"}},
            {"configurationName": "FEED", "configuration": {"values": values}},
        ],
    })


# Where the catalog's ship nodes are: (city, postal code, Walmart's time zone abbreviation) by state.
NODE_PLACES = {"TX": ("Dallas", "75241", "CST"), "NV": ("Reno", "89502", "PST"), "GA": ("Atlanta", "30336", "EST"),
               "AR": ("Bentonville", "72712", "CST"), "IL": ("Chicago", "60632", "CST")}


@require_http_methods(["GET"])
@walmart_api("settings")
def ship_nodes(request, account):
    nodes = []
    for node in profile.ship_nodes(account):
        city, postal_code, time_zone = NODE_PLACES.get(node.state, ("", "", "CST"))
        nodes.append({
            "shipNode": node.ship_node, "nodeType": profile.NODE_TYPES.get(node.node_type, node.node_type),
            "shipNodeName": node.name, "status": "ACTIVE", "timeZone": time_zone,
            "distributorSupportedServices": ["TWO_DAY_DELIVERY"],
            "postalAddress": {"addressLine1": f"{100 + len(nodes)} Distribution Way", "city": city, "state": node.state,
                              "country": "USA", "postalCode": postal_code},
        })
    return wire.ok(nodes)
