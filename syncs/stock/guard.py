"""The oversell guard: when orders-in takes the last units a SKU can offer at a ship node, that SKU
and node go out to Walmart as 0 at once (PUT /v3/inventories/{sku}), not at the next hourly feed.

Validation notes what it took (inside its locked transaction: a flag on the state rows, no call);
push_zeros() makes the calls afterwards, in the orders_in and inventory_out runs. The line's `sent`
becomes 0, so the next feed agrees unless the ERP really has more by then.
"""

import logging
from decimal import Decimal

from connectors import clock
from connectors.errors import ConnectorError
from connectors.walmart.listings import WalmartListings
from mappings.models import SkuMap
from syncs.models import Integration, InventoryState

logger = logging.getLogger(__name__)


def _sharing(integration):
    """Integrations sending this ERP's stock to this Walmart account (those whose offer just shrank)."""
    return [i for i in Integration.objects.filter(walmart_id=integration.walmart_id, erp_id=integration.erp_id, active=True)
            if "inventory_out" in (i.enabled_flows or [])]


def note_taken(integration, remaining):
    """remaining: {(sku, ship node): ERP units left after the reservations just made}. Flags the
    lines whose offer is now 0; returns how many."""
    flagged = 0
    for other in _sharing(integration):
        factors = dict(SkuMap.objects.filter(integration=other, walmart_sku__in={s for s, _ in remaining})
                       .values_list("walmart_sku", "factor"))
        rows = InventoryState.objects.filter(integration=other, sku__in={s for s, _ in remaining},
                                             ship_node__in={n for _, n in remaining})
        ids = []
        for row in rows.only("id", "sku", "ship_node", "buffer", "sent"):
            left = remaining.get((row.sku, row.ship_node))
            if left is None or row.sent == 0:
                continue
            units = int(max(left, Decimal(0)) / (factors.get(row.sku) or 1))
            if units - row.buffer <= 0:
                ids.append(row.pk)
        flagged += InventoryState.objects.filter(pk__in=ids).update(push_zero=True)
    return flagged


def push_zeros(integration):
    """Send 0 for every flagged line of the integration, one call per SKU; returns SKUs zeroed."""
    rows = list(InventoryState.objects.filter(integration=integration, push_zero=True).order_by("sku", "ship_node"))
    if not rows:
        return 0
    client = WalmartListings(integration.walmart)
    by_sku = {}
    for row in rows:
        by_sku.setdefault(row.sku, []).append(row)
    done = 0
    for sku, lines in by_sku.items():
        try:
            answers = client.update_sku_inventory(sku, {row.ship_node: 0 for row in lines})
        except ConnectorError as exc:
            logger.warning("%s: could not zero %s on Walmart now (%s); the next run tries again", integration.slug, sku, exc)
            continue
        ok = [row.pk for row in lines if answers.get(row.ship_node, "Success").lower() == "success"]
        InventoryState.objects.filter(pk__in=ok).update(push_zero=False, sent=0, sent_at=clock.now())
        done += 1
    return done
