"""Feed files built as a stream: records go in one by one and come out as files (chunks) cut
before the next record would pass the type's item count or the seller's file size. Nothing holds
more than one file in memory. Records are JSON-encoded once; the envelope is written around them.
"""

import json
from dataclasses import dataclass

from connectors.walmart.listings import json_numbers

# Walmart's header per feed type (walmart-api.md §4, §5.3). MP_INVENTORY is spec 1.5 (multi-node);
# PRICE_AND_PROMOTION uses the MPItemFeedHeader of the current price docs.
ENVELOPES = {
    "MP_INVENTORY": ({"inventoryHeader": {"version": "1.5"}}, "inventory"),
    "PRICE_AND_PROMOTION": ({"MPItemFeedHeader": {"businessUnit": "WALMART_US", "version": "2.0.20240126-12_25_52-api",
                                                  "locale": "en"}}, "MPItem"),
    "MP_ITEM": ({"MPItemFeedHeader": {"businessUnit": "WALMART_US", "version": "5.0.20240517-04_08_27-api",
                                      "locale": "en"}}, "MPItem"),
}
# Records per file. The inventory 1.4 schema allows 100,000; the price spec says up to 10,000 (and
# recommends fewer); we stay at 10,000 for every type so one bad file never carries too much.
MAX_RECORDS = {"MP_INVENTORY": 10_000, "PRICE_AND_PROMOTION": 10_000, "MP_ITEM": 10_000}


@dataclass
class Chunk:
    payload: bytes
    records: int
    lines: int  # SKU × node lines for inventory, records otherwise
    first_sku: str
    last_sku: str


def chunks(feed_type, records, *, max_bytes, max_records=None):
    """Cut `records` — (sku, record dict, lines) in SKU order, one per SKU — into Chunks."""
    header, key = ENVELOPES[feed_type]
    head = (json.dumps(header, separators=(",", ":"))[:-1] + f',"{key}":[').encode()
    tail = b"]}"
    max_records = max_records or MAX_RECORDS[feed_type]
    parts, size, lines, first = [], len(head) + len(tail), 0, None
    last = None
    for sku, record, n in records:
        encoded = json.dumps(json_numbers(record), separators=(",", ":")).encode()
        extra = len(encoded) + (1 if parts else 0)
        if parts and (size + extra > max_bytes or len(parts) >= max_records):
            yield Chunk(head + b",".join(parts) + tail, len(parts), lines, first, last)
            parts, size, lines, first = [], len(head) + len(tail), 0, None
            extra = len(encoded)
        if size + extra > max_bytes:
            raise ValueError(f"the {feed_type} record of {sku} alone is larger than the {max_bytes}-byte file limit")
        parts.append(encoded)
        size += extra
        lines += n
        first = sku if first is None else first
        last = sku
    if parts:
        yield Chunk(head + b",".join(parts) + tail, len(parts), lines, first, last)


def inventory_records(rows):
    """(sku, ship node, quantity) rows in SKU order -> one MP_INVENTORY record per SKU with its nodes."""
    sku, nodes = None, []
    for row_sku, node, quantity in rows:
        if row_sku != sku and nodes:
            yield sku, {"sku": sku, "shipNodes": nodes}, len(nodes)
            nodes = []
        sku = row_sku
        nodes.append({"shipNode": node, "quantity": {"unit": "EACH", "amount": int(quantity)}})
    if nodes:
        yield sku, {"sku": sku, "shipNodes": nodes}, len(nodes)


def price_records(rows):
    """(sku, price) rows -> PRICE_AND_PROMOTION records setting the price (walmart-api.md §5.3)."""
    for sku, price in rows:
        yield sku, {"Promo&Discount": {"sku": sku, "price": price}}, 1


def item_records(rows):
    """(sku, MP_ITEM record) rows, the records built and checked by syncs.items."""
    for sku, record in rows:
        yield sku, record, 1
