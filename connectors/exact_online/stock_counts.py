"""The stock count payload of inventory_in (Walmart's stock into Exact), built without calls so that what
post_stock_count sends can be read and tested on its own (like orders.py for orders)."""

from connectors.errors import PermanentError

DRAFT, PROCESSED = 12, 21  # StockCounts Status: 12 Draft, 21 Processed (picqer StockCount docblock)


def checked_lines(posting, label):
    """The posting's lines, refused before any call when Exact could not take them: one line per item
    (Exact repeats an item only per storage location, which we do not map), no negative count."""
    if not posting.lines:
        raise PermanentError(f"{label}: stock count {posting.reference} has no lines")
    seen = set()
    for line in posting.lines:
        if line.item in seen:
            raise PermanentError(f"{label}: item {line.item} occurs twice in stock count {posting.reference}")
        if line.quantity < 0:
            raise PermanentError(f"{label}: item {line.item} has a negative count ({line.quantity}) in stock "
                                 f"count {posting.reference}")
        seen.add(line.item)
    return posting.lines


def payload(posting, warehouse_id, item_ids, config):
    """POST inventory/StockCounts body: warehouse and items as GUIDs, our reference in the configured field.
    QuantityNew (not QuantityDifference): Walmart says what there is, not what changed."""
    return {
        "Warehouse": warehouse_id,
        "StockCountDate": posting.count_date,  # sent as ISO 8601, as the orders' OrderDate
        config.stock_count_reference_field: posting.reference,
        "StockCountLines": [{"Item": item_ids[line.item], "QuantityNew": line.quantity} for line in posting.lines],
    }
