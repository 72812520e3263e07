"""Walmart calls for items, inventory, prices, bulk feeds and the seller settings they depend on
(reference/walmart-api.md §4-§6). Returns typed models; never touches the ORM (style rule 4).

Money travels as Decimal: JSON numbers are parsed with parse_float=Decimal, and Decimals are sent
as the JSON number they are exactly (a value a float cannot carry exactly is refused, not rounded).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import quote

from connectors import http
from connectors.errors import PermanentError

# Rate-limit bucket per feed type, shared with every worker of the connection (connectors/ratelimit.py).
FEED_BUCKETS = {"inventory": "feeds.inventory", "MP_INVENTORY": "feeds.inventory", "price": "feeds.price",
                "PRICE_AND_PROMOTION": "feeds.price", "MP_ITEM": "feeds.item"}
# File size limits when the caller passes none: the partner-profile sample's 25 MB for inventory and
# items, and the spec's "< 10 MB" for price feeds. The outbound flow passes the seller's own limits.
DEFAULT_FEED_SIZE_LIMITS = {"inventory": 25 * 2**20, "MP_INVENTORY": 25 * 2**20, "price": 10 * 2**20,
                            "PRICE_AND_PROMOTION": 10 * 2**20, "MP_ITEM": 25 * 2**20}
FEED_DETAIL_PAGE = 50  # Walmart's maximum for GET /v3/feeds and /v3/feeds/{id}
INVENTORIES_PAGE = 50  # Walmart's maximum for GET /v3/inventories
ITEMS_PAGE = 200
FINAL_FEED_STATUSES = ("PROCESSED", "ERROR")


@dataclass(frozen=True)
class Item:
    sku: str
    wpid: str
    gtin: str
    upc: str
    product_name: str
    product_type: str
    price: Decimal | None
    currency: str
    published_status: str
    lifecycle_status: str


@dataclass(frozen=True)
class NodeQuantity:
    ship_node: str
    quantity: int  # inputQty: what the seller offers
    available: int | None = None  # availToSellQty
    reserved: int | None = None


@dataclass(frozen=True)
class SkuInventory:
    sku: str
    nodes: tuple[NodeQuantity, ...]


@dataclass(frozen=True)
class FeedThrottle:
    feed_type: str
    count: int  # feeds allowed per window
    window_seconds: int
    file_size_bytes: int | None


@dataclass(frozen=True)
class PartnerProfile:
    partner_id: str
    partner_name: str
    account_status: str
    feed_throttles: dict[str, FeedThrottle]


@dataclass(frozen=True)
class ShipNode:
    ship_node: str
    name: str
    node_type: str
    status: str


@dataclass(frozen=True)
class IngestionError:
    type: str
    code: str
    description: str


@dataclass(frozen=True)
class FeedItemStatus:
    index: int | None
    sku: str
    status: str  # INPROGRESS, SUCCESS, DATA_ERROR, SYSTEM_ERROR, TIMEOUT_ERROR
    errors: tuple[IngestionError, ...] = ()


@dataclass(frozen=True)
class FeedStatus:
    feed_id: str
    status: str  # RECEIVED, INPROGRESS, PROCESSED, ERROR
    received: int
    succeeded: int
    failed: int
    processing: int
    feed_type: str = ""
    submitted_at: datetime | None = None
    file_name: str = ""
    errors: tuple[IngestionError, ...] = ()  # why the whole file failed
    items: tuple[FeedItemStatus, ...] = field(default=(), repr=False)

    @property
    def done(self):
        """Walmart is finished with the feed: PROCESSED or ERROR and nothing left processing."""
        return self.status in FINAL_FEED_STATUSES and self.processing == 0


@dataclass(frozen=True)
class FeedPage:
    total: int
    offset: int
    limit: int
    feeds: tuple[FeedStatus, ...]


def json_numbers(value):
    """Decimals as floats that print as the same number, for the JSON encoder; anything else unchanged."""
    if isinstance(value, Decimal):
        number = float(value)
        if Decimal(repr(number)) != value:
            raise ValueError(f"{value} cannot be sent exactly as a JSON number")
        return int(value) if value == value.to_integral_value() else number
    if isinstance(value, dict):
        return {k: json_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_numbers(v) for v in value]
    return value


def _instant(ms):
    return datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc) if ms not in (None, "") else None


def _errors(block):
    entries = (block or {}).get("ingestionError") or []
    if isinstance(entries, dict):
        entries = [entries]
    return tuple(IngestionError(e.get("type", ""), e.get("code", ""), e.get("description", "")) for e in entries)


def _feed(data, items=()):
    return FeedStatus(
        feed_id=data["feedId"], status=data.get("feedStatus", ""), received=int(data.get("itemsReceived") or 0),
        succeeded=int(data.get("itemsSucceeded") or 0), failed=int(data.get("itemsFailed") or 0),
        processing=int(data.get("itemsProcessing") or 0), feed_type=data.get("feedType", ""),
        submitted_at=_instant(data.get("feedSubmissionDate") or data.get("feedDate")), file_name=data.get("fileName") or "",
        errors=_errors(data.get("ingestionErrors")), items=tuple(items),
    )


def _item(entry):
    price = entry.get("price") or {}
    amount = price.get("amount")
    return Item(entry["sku"], entry.get("wpid", ""), entry.get("gtin", ""), entry.get("upc", ""), entry.get("productName", ""),
                entry.get("productType", ""), Decimal(str(amount)) if amount is not None else None,
                price.get("currency", "USD"), entry.get("publishedStatus", ""), entry.get("lifecycleStatus", ""))


def _nodes(nodes):
    def amount(node, key):
        qty = node.get(key)
        return int(qty["amount"]) if isinstance(qty, dict) and qty.get("amount") is not None else None

    return tuple(NodeQuantity(n["shipNode"], amount(n, "inputQty") or 0, amount(n, "availToSellQty"), amount(n, "reservedQty"))
                 for n in nodes or [])


class WalmartListings:
    def __init__(self, connection):
        self.connection = connection

    def _get(self, path, *, bucket, params=None, what):
        return http.send(self.connection, "GET", path, bucket=bucket, params=params, what=what).json(parse_float=Decimal)

    # --- items -----------------------------------------------------------------------------

    def iter_items(self, *, page_size=ITEMS_PAGE, **filters) -> Iterator[Item]:
        """Every item of the seller (filters: sku, lifecycleStatus, publishedStatus), following nextCursor.

        # Reference: https://developer.walmart.com/us-marketplace/reference/getallitems (GET /v3/items)
        """
        params = {"limit": page_size, "nextCursor": "*", **filters}
        seen = set()
        while True:
            body = self._get("/v3/items", bucket="items", params=params, what="list items")
            yield from (_item(entry) for entry in body.get("ItemResponse") or [])
            cursor = body.get("nextCursor")
            if not cursor or not body.get("ItemResponse"):
                return
            if cursor in seen:  # a cursor Walmart ignored would loop forever (walmart-api.md §10.1)
                raise PermanentError(f"Walmart returned the items cursor {cursor!r} twice; stopping")
            seen.add(cursor)
            params = {"limit": page_size, "nextCursor": cursor}

    def get_item(self, sku) -> Item:
        """One item by SKU (PermanentError with status 404 when the seller has no such SKU).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getanitem (GET /v3/items/{id})
        """
        body = self._get(f"/v3/items/{quote(sku, safe='')}", bucket="items", params={"productIdType": "SKU"}, what="get item")
        return _item(body["ItemResponse"][0])

    # --- inventory -------------------------------------------------------------------------

    def get_inventory(self, sku, ship_node=None) -> int:
        """The quantity of one SKU at one ship node (the seller's default node when None).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getinventory (GET /v3/inventory)
        """
        params = {"sku": sku, **({"shipNode": ship_node} if ship_node else {})}
        return int(self._get("/v3/inventory", bucket="inventory", params=params, what="get inventory")["quantity"]["amount"])

    def update_inventory(self, sku, quantity: int, ship_node=None) -> int:
        """Set the quantity of one SKU at one ship node; returns what Walmart echoed.

        # Reference: https://developer.walmart.com/us-marketplace/reference/updateinventoryforanitem (PUT /v3/inventory)
        """
        params = {"sku": sku, **({"shipNode": ship_node} if ship_node else {})}
        body = {"sku": sku, "quantity": {"unit": "EACH", "amount": int(quantity)}}
        response = http.send(self.connection, "PUT", "/v3/inventory", bucket="inventory", params=params, json=body,
                             what="update inventory")
        return int(response.json()["quantity"]["amount"])

    def sku_inventory(self, sku, ship_node=None) -> SkuInventory:
        """One SKU at all its ship nodes (or one).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getmultinodeinventoryforskuandallshipnodes (GET /v3/inventories/{sku})
        """
        body = self._get(f"/v3/inventories/{quote(sku, safe='')}", bucket="inventory",
                         params={"shipNode": ship_node} if ship_node else None, what="get multi-node inventory")
        return SkuInventory(body.get("sku", sku), _nodes(body.get("nodes")))

    def update_sku_inventory(self, sku, quantities: dict[str, int]) -> dict[str, str]:
        """Set one SKU's quantity at several ship nodes; returns {ship node: "Success" | other status}.

        # Reference: https://developer.walmart.com/us-marketplace/reference/updatemultinodeinventory (PUT /v3/inventories/{sku})
        """
        body = {"inventories": {"nodes": [{"shipNode": node, "inputQty": {"unit": "EACH", "amount": int(qty)}}
                                          for node, qty in quantities.items()]}}
        response = http.send(self.connection, "PUT", f"/v3/inventories/{quote(sku, safe='')}", bucket="inventory",
                             json=body, what="update multi-node inventory")
        return {n.get("shipNode"): n.get("status", "") for n in response.json().get("nodes") or []}

    def iter_inventories(self, *, page_size=INVENTORIES_PAGE) -> Iterator[SkuInventory]:
        """Every SKU at every ship node; the nextCursor of each answer goes into the next call unchanged.

        # Reference: https://developer.walmart.com/us-marketplace/reference/getmultinodeinventoryforallskuandallshipnodes (GET /v3/inventories)
        """
        params = {"limit": page_size}
        seen = set()
        while True:
            body = self._get("/v3/inventories", bucket="inventory", params=params, what="list inventories")
            page = (body.get("elements") or {}).get("inventories") or []
            for entry in page:
                yield SkuInventory(entry["sku"], _nodes(entry.get("nodes")))
            cursor = (body.get("meta") or {}).get("nextCursor")
            if not cursor or not page:
                return
            if cursor in seen:
                raise PermanentError(f"Walmart returned the inventories cursor {cursor!r} twice; stopping")
            seen.add(cursor)
            params = {"limit": page_size, "nextCursor": cursor}

    # --- prices ----------------------------------------------------------------------------

    def update_price(self, sku, amount: Decimal, currency="USD", price_type="BASE") -> str:
        """Set one SKU's price (legacy single call; bulk changes go by price feed, DESIGN §5). Returns Walmart's message.

        # Reference: https://developer.walmart.com/us-marketplace/reference/updateprice (PUT /v3/price)
        """
        body = json_numbers({"sku": sku, "pricing": [{"currentPriceType": price_type,
                                                "currentPrice": {"currency": currency, "amount": Decimal(amount)}}]})
        response = http.send(self.connection, "PUT", "/v3/price", bucket="price", json=body, what="update price").json()
        return (response.get("ItemPriceResponse") or response).get("message", "")

    # --- feeds -----------------------------------------------------------------------------

    def submit_feed(self, feed_type, payload: dict | bytes, *, reference=None, ship_node=None, max_bytes=None,
                    rate_wait=None) -> str:
        """Upload one feed file (JSON, as a multipart `file`; a dict, or the file's bytes as built by
        syncs.feeds); returns Walmart's feedId. `rate_wait` as in connectors.http.send.

        `reference` (our deterministic id of this chunk) becomes the file name, which Walmart lists
        as `fileName`: after an AmbiguousOutcome (the answer was lost, the feed may exist),
        find_feed(reference) tells whether to resend. Refuses a file over `max_bytes` (the seller's
        limit from partner_profile(); a default per type otherwise) before sending: chunking is the
        caller's job.

        # Reference: https://developer.walmart.com/us-marketplace/reference/updatebulkinventory (POST /v3/feeds)
        """
        if feed_type not in FEED_BUCKETS:
            raise ValueError(f"unsupported feed type {feed_type!r}; expected one of {', '.join(FEED_BUCKETS)}")
        content = payload if isinstance(payload, bytes) else json.dumps(json_numbers(payload), separators=(",", ":")).encode()
        limit = max_bytes or DEFAULT_FEED_SIZE_LIMITS[feed_type]
        if len(content) > limit:
            raise PermanentError(f"Walmart {feed_type} feed of {len(content)} bytes is over the {limit}-byte limit; "
                                 "split it into smaller feeds")
        params = {"feedType": feed_type, **({"shipNode": ship_node} if ship_node else {})}
        response = http.send(self.connection, "POST", "/v3/feeds", ok=(200, 202), bucket=FEED_BUCKETS[feed_type],
                             params=params, files={"file": (f"{reference or feed_type}.json", content, "application/json")},
                             what=f"submit {feed_type} feed", rate_wait=rate_wait)
        return response.json()["feedId"]

    def feed_status(self, feed_id, include_details=True, *, page_size=FEED_DETAIL_PAGE) -> FeedStatus:
        """A feed's status and, with details, the outcome of every record (all pages of itemDetails).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getfeeditemstatus (GET /v3/feeds/{feedId})
        """
        path = f"/v3/feeds/{quote(feed_id, safe='')}"  # the id's "@" must be encoded (walmart-api.md §5.4)
        items, offset, first_status = [], 0, None
        while True:
            params = {"includeDetails": "true" if include_details else "false", "offset": offset, "limit": page_size}
            body = self._get(path, bucket="feeds.status", params=params, what="feed status")
            if first_status is not None and body.get("feedStatus") != first_status:
                # The feed moved on while we paged: start again so all items come from one state
                # (states only move forward, so this happens at most three times).
                items, offset, first_status = [], 0, None
                continue
            first_status = body.get("feedStatus")
            page = ((body.get("itemDetails") or {}).get("itemIngestionStatus") or []) if include_details else []
            for entry in page:
                items.append(FeedItemStatus(entry.get("index"), entry.get("sku", ""), entry.get("ingestionStatus", ""),
                                            _errors(entry.get("ingestionErrors"))))
            offset += len(page)
            if len(page) < page_size or offset >= int(body.get("itemsReceived") or 0):
                return _feed(body, items)

    def list_feeds(self, *, feed_id=None, offset=0, limit=FEED_DETAIL_PAGE) -> FeedPage:
        """One page of the seller's feeds, newest first (for reconciling a submit whose answer was lost).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getallfeedstatuses (GET /v3/feeds)
        """
        params = {"offset": offset, "limit": limit, **({"feedId": feed_id} if feed_id else {})}
        body = self._get("/v3/feeds", bucket="feeds.status", params=params, what="list feeds")
        feeds = ((body.get("results") or {}).get("feed")) or []
        return FeedPage(int(body.get("totalResults") or 0), int(body.get("offset") or 0), int(body.get("limit") or limit),
                        tuple(_feed(f) for f in feeds))

    def iter_feeds(self, *, page_size=FEED_DETAIL_PAGE) -> Iterator[FeedStatus]:
        """Every feed of the seller, newest first, page by page."""
        offset = 0
        while True:
            page = self.list_feeds(offset=offset, limit=page_size)
            yield from page.feeds
            offset += len(page.feeds)
            if not page.feeds or offset >= page.total:
                return

    def find_feed(self, reference, *, since=None) -> FeedStatus | None:
        """The feed submitted with this reference (see submit_feed), looking no further back than
        `since` (an aware datetime; the time just before the submit), or None."""
        for feed in self.iter_feeds():
            if since is not None and feed.submitted_at is not None and feed.submitted_at < since:
                return None  # newest first: everything further is older
            if feed.file_name == f"{reference}.json":
                return feed
        return None

    # --- settings --------------------------------------------------------------------------

    def partner_profile(self) -> PartnerProfile:
        """The seller's account status and feed throttles (feeds per window, file size per feed type).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getpartnerconfigurations (GET /v3/settings/partnerprofile)
        """
        body = self._get("/v3/settings/partnerprofile", bucket="settings", what="partner profile")
        status, throttles = "", {}
        for config in body.get("configurations") or []:
            values = config.get("configuration") or {}
            if config.get("configurationName") == "ACCOUNT":
                status = values.get("status", "")
            if config.get("configurationName") != "FEED":
                continue
            for value in values.get("values") or []:
                seller = next((t for t in value.get("throttleConfigurations") or [] if t.get("type") == "SELLER"), None)
                if seller is None:
                    continue
                rate = seller.get("rate") or {}
                size = (seller.get("fileSize") or {}).get("value")
                # The sample sends the window as a string ("3600"), the spec as an integer: accept both.
                throttles[value["feedType"]] = FeedThrottle(
                    value["feedType"], int(rate.get("count") or 0),
                    int((rate.get("replenishTimeWindow") or {}).get("value") or 0), int(size) if size is not None else None)
        partner = body.get("partner") or {}
        return PartnerProfile(str(partner.get("partnerId", "")), partner.get("partnerName", ""), status, throttles)

    def ship_nodes(self) -> list[ShipNode]:
        """The seller's fulfillment centers (ship nodes).

        # Reference: https://developer.walmart.com/us-marketplace/reference/getallfulfillmentcenters (GET /v3/settings/shipping/shipnodes)
        """
        body = self._get("/v3/settings/shipping/shipnodes", bucket="settings", what="list ship nodes")
        return [ShipNode(n["shipNode"], n.get("shipNodeName", ""), n.get("nodeType", ""), n.get("status", "")) for n in body]
