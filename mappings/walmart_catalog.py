"""Feed the unmapped report from Walmart's own lists: the seller's items (GET /v3/items) and ship
nodes (GET /v3/settings/shipping/shipnodes) that no active mapping of the integration covers.

Orders only reveal a missing mapping when an order already needs it (and then waits in review);
reading the catalog shows new listings and nodes before the first order arrives. Both lists are
read completely before anything is written, so a Walmart error leaves the report as it was.
Counts are incremented with UPDATE ... SET walmart_count = walmart_count + 1 (race-safe against
the orders flow writing `count` on the same rows at the same time).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.log import record
from connectors.errors import ConnectorError
from connectors.walmart.listings import WalmartListings
from mappings.cells import gtin14
from mappings.models import NodeType, ShipNodeMap, SightingKind, SkuMap, UnmappedSighting
from mappings.suggestions import CHUNK, suggest
from mappings.verify import adapter_for

# Walmart's settings API names node types PHYSICAL, VIRTUAL, 3PL (and the emulator WFS); the
# mapping form uses the order API's names. A virtual node is still the seller's own stock.
NODE_TYPES = {"PHYSICAL": NodeType.SELLER, "VIRTUAL": NodeType.SELLER, "3PL": NodeType.THREE_PL,
              "WFS": NodeType.WFS}
SOURCE = "walmart_catalog"
# Items Walmart no longer sells (lifecycleStatus) cannot be ordered: they need no mapping.
GONE = ("RETIRED", "ARCHIVED")


@dataclass
class RefreshResult:
    integration: str
    items_read: int = 0
    nodes_read: int = 0
    unmapped_skus: int = 0
    unmapped_nodes: int = 0
    suggestions: dict = field(default_factory=dict)

    def __str__(self):
        text = (f"{self.integration}: Walmart lists {self.items_read} items and {self.nodes_read} ship nodes; "
                f"{self.unmapped_skus} SKUs and {self.unmapped_nodes} ship nodes are unmapped")
        if self.suggestions:
            text += f"; {self.suggestions.get('suggested', 0)} ERP items suggested"
            if self.suggestions.get("errors"):
                text += f" (ERP could not answer: {'; '.join(self.suggestions['errors'])})"
        return text + "."


def refresh_from_walmart(integration, *, user=None, listings=None, adapter_factory=adapter_for):
    """Read the integration's Walmart items and ship nodes, record the unmapped ones, suggest ERP items.

    Raises ConnectorError (audited) when Walmart cannot be read; nothing is written then.
    """
    listings = listings or WalmartListings(integration.walmart)
    try:
        nodes = listings.ship_nodes()
        items = {item.sku: item for item in listings.iter_items() if item.lifecycle_status not in GONE}
    except ConnectorError as exc:
        record("mapping.unmapped.refreshed", user=user, connection=integration.walmart, ok=False,
               object_type="mapping.unmapped", object_id=integration.slug,
               message=f"Could not read Walmart's items and ship nodes for {integration.slug}: {exc}",
               data={"source": SOURCE, "error": str(exc)})
        raise
    result = RefreshResult(integration.slug, items_read=len(items), nodes_read=len(nodes))
    mapped_skus = set(SkuMap.objects.filter(integration=integration, active=True).values_list("walmart_sku", flat=True))
    mapped_nodes = set(ShipNodeMap.objects.filter(integration=integration, active=True)
                       .values_list("ship_node", flat=True))
    skus = {sku: {"name": item.product_name[:255], "detail": item.product_type[:100],
                  "gtin": gtin14(item.gtin) or gtin14(item.upc)}
            for sku, item in items.items() if sku not in mapped_skus and len(sku) <= 100}
    ship_nodes = {node.ship_node: {"name": node.name[:255], "detail": NODE_TYPES.get(node.node_type, NodeType.SELLER),
                                   "gtin": ""}
                  for node in nodes if node.ship_node not in mapped_nodes and len(node.ship_node) <= 100}
    with transaction.atomic():
        _record(integration, SightingKind.SKU, skus)
        _record(integration, SightingKind.SHIP_NODE, ship_nodes)
    result.unmapped_skus, result.unmapped_nodes = len(skus), len(ship_nodes)
    # Listed GTINs of mapped SKUs let a relisted product (new SKU, same GTIN) inherit its ERP item.
    listed = {}
    for sku, item in items.items():
        code = gtin14(item.gtin) or gtin14(item.upc)
        if code and sku in mapped_skus:
            listed.setdefault(code, []).append(sku)
    sightings = _sightings(integration, SightingKind.SKU, list(skus))
    result.suggestions = suggest(integration, sightings, listed_gtins=listed, adapter_factory=adapter_factory)
    record("mapping.unmapped.refreshed", user=user, connection=integration.walmart, object_type="mapping.unmapped",
           object_id=integration.slug, message=str(result),
           data={"source": SOURCE, "items": result.items_read, "nodes": result.nodes_read,
                 "unmapped_skus": result.unmapped_skus, "unmapped_nodes": result.unmapped_nodes,
                 "suggestions": result.suggestions})
    return result


def _sightings(integration, kind, values):
    """The sightings of these codes, read CHUNK codes at a time (an IN list has a size limit on SQLite)."""
    for start in range(0, len(values), CHUNK):
        yield from UnmappedSighting.objects.filter(integration=integration, kind=kind,
                                                   value__in=values[start:start + CHUNK])


def _record(integration, kind, found):
    """found: {code: {"name", "detail", "gtin"}} of one kind, all unmapped; a few queries per CHUNK codes."""
    if not found:
        return
    now = timezone.now()
    UnmappedSighting.objects.bulk_create(
        [UnmappedSighting(integration=integration, kind=kind, value=code, count=0, first_seen=now, last_seen=now)
         for code in found],
        ignore_conflicts=True, batch_size=CHUNK,
    )
    codes = list(found)
    for start in range(0, len(codes), CHUNK):
        UnmappedSighting.objects.filter(integration=integration, kind=kind, value__in=codes[start:start + CHUNK]).update(
            walmart_count=F("walmart_count") + 1, walmart_seen_at=now, last_seen=now)
    changed = []
    for row in _sightings(integration, kind, codes):
        values = found[row.value]
        if (row.name, row.detail, row.gtin) != (values["name"], values["detail"], values["gtin"]):
            row.name, row.detail, row.gtin = values["name"], values["detail"], values["gtin"]
            changed.append(row)
    UnmappedSighting.objects.bulk_update(changed, ["name", "detail", "gtin"], batch_size=CHUNK)
