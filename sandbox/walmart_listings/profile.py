"""What the emulator knows about a seller account beyond its data: feed throttles, feed timing,
ship nodes. Each value has a default and can be overridden in the account's settings:

  feed_throttles: {"MP_INVENTORY": {"count": 50, "window": 3600, "file_size": 5242880}, ...}
  feed_received_seconds / feed_processing_seconds: how long a feed stays RECEIVED, then INPROGRESS
  default_ship_node: the node used when an inventory call or feed names none
"""

from dataclasses import dataclass

from sandbox import catalog

KB = 1024


@dataclass(frozen=True)
class FeedThrottle:
    count: int  # feeds per window
    window: int  # seconds
    file_size: int  # bytes


# Walmart's sandbox limits: 30 feeds an hour for each type; items 100 KB, prices 5 KB, promotion
# 25 KB, inventory 2 KB (reference/walmart-api.md §6, developer.walmart.com sandbox-throttling-limits).
DEFAULT_FEED_THROTTLES = {
    "inventory": FeedThrottle(30, 3600, 2 * KB),
    "MP_INVENTORY": FeedThrottle(30, 3600, 2 * KB),
    "price": FeedThrottle(30, 3600, 5 * KB),
    "PRICE_AND_PROMOTION": FeedThrottle(30, 3600, 25 * KB),
    "MP_ITEM": FeedThrottle(30, 3600, 100 * KB),
}
FEED_TYPES = tuple(DEFAULT_FEED_THROTTLES)
MB = 1024 * KB
# Production-like limits, as an account's `feed_throttles` setting (the demo seller carries them).
# With the sandbox's 2 KB inventory files a full stock resend of the 300-item demo catalog would
# need hundreds of files at 30 an hour; real sellers get far more. Numbers are Walmart's US figures
# as a third-party rate limiter quotes them (MP_INVENTORY 50/h, PRICE_AND_PROMOTION 10/h shared with
# the legacy price feed, MP_ITEM 10/h) with the CA documented file sizes (inventory 5 MB, prices
# 10 MB, items 25 MB): reference/walmart-api.md §6. `inventory` 1.4 shares the MP_INVENTORY limit.
PRODUCTION_FEED_THROTTLES = {
    "inventory": {"count": 50, "window": 3600, "file_size": 5 * MB},
    "MP_INVENTORY": {"count": 50, "window": 3600, "file_size": 5 * MB},
    "price": {"count": 10, "window": 3600, "file_size": 10 * MB},
    "PRICE_AND_PROMOTION": {"count": 10, "window": 3600, "file_size": 10 * MB},
    "MP_ITEM": {"count": 10, "window": 3600, "file_size": 25 * MB},
}
DEFAULT_RECEIVED_SECONDS = 5.0
DEFAULT_PROCESSING_SECONDS = 10.0
# Node types as the ship-node settings API names them.
NODE_TYPES = {"SellerFulfilled": "PHYSICAL", "3PLFulfilled": "3PL", "WFSFulfilled": "WFS"}


def feed_throttle(account, feed_type):
    default = DEFAULT_FEED_THROTTLES[feed_type]
    override = (account.settings.get("feed_throttles") or {}).get(feed_type) or {}
    return FeedThrottle(
        count=int(override.get("count", default.count)),
        window=int(override.get("window", default.window)),
        file_size=int(override.get("file_size", default.file_size)),
    )


def feed_delays(account):
    """(seconds RECEIVED, seconds INPROGRESS) of the sandbox clock."""
    return (
        float(account.settings.get("feed_received_seconds", DEFAULT_RECEIVED_SECONDS)),
        float(account.settings.get("feed_processing_seconds", DEFAULT_PROCESSING_SECONDS)),
    )


def ship_nodes(account):
    """The seller's ship nodes on Walmart: the catalog's, plus the one no ERP has mapped yet."""
    return catalog.SHIP_NODES + (catalog.UNMAPPED_SHIP_NODE,)


def ship_node(account, node_id):
    return next((n for n in ship_nodes(account) if n.ship_node == node_id), None)


def stocked_nodes(account):
    """Nodes whose quantities the seller manages through the inventory API (WFS stock is Walmart's)."""
    return tuple(n for n in ship_nodes(account) if n.node_type != "WFSFulfilled")


def default_ship_node(account):
    return account.settings.get("default_ship_node") or stocked_nodes(account)[0].ship_node
