"""inventory_in (Exact Online): Walmart's quantities at the ship nodes synced "in" become stock
counts in the ERP warehouse they map to (DESIGN §1), for the items whose Walmart quantity differs
from the ERP's and from what we last wrote. One stock count per warehouse and run, posted through
the posting machine (claim, post, find by our reference before any retry): written exactly once.

Walmart quantity: availToSellQty (what buyers can order) or inputQty (what was entered), per the
integration's `inventory_in_quantity`; × the SKU's factor gives ERP units.
"""

from collections import defaultdict
from decimal import Decimal

from connectors import clock, registry
from connectors.contract import StockCountLine, StockCountPosting
from connectors.errors import PermanentError
from connectors.walmart.listings import WalmartListings
from mappings.models import ShipNodeMap, SkuMap
from syncs import posting
from syncs.models import StockCount, StockWritten

FLOW = "inventory_in"


class StockCountJob(posting.Job):
    model = StockCount
    action = "stockcount.post"
    S = StockCount.Status

    def build(self, count):
        lines = tuple(StockCountLine(item=line["item"], quantity=Decimal(line["quantity"])) for line in count.lines)
        return StockCountPosting(reference=count.reference, warehouse=count.warehouse, count_date=count.created_at,
                                 lines=lines, process=count.process)

    def post(self, adapter, stock_count, existing):
        return adapter.post_stock_count(stock_count, existing)

    def find(self, adapter, reference):
        return adapter.find_stock_count(reference)

    def posted(self, count, document):
        now = clock.now()
        for line in count.lines:
            StockWritten.objects.update_or_create(
                integration=count.integration, erp_item=line["item"], warehouse=count.warehouse,
                defaults={"quantity": Decimal(line["quantity"]), "count": count, "written_at": now})


def in_nodes(integration):
    return dict(ShipNodeMap.objects.filter(integration=integration, active=True, stock_sync=ShipNodeMap.StockSync.IN,
                                           warehouse__gt="").values_list("ship_node", "warehouse"))


def differences(integration, adapter):
    """{warehouse: [(item, sku, ship node, walmart qty in ERP units, ERP qty)]} of the items to count."""
    if not hasattr(adapter, "post_stock_count"):
        raise PermanentError(f"{integration.erp.system_label} cannot take Walmart's stock (no inventory_in)")
    nodes = in_nodes(integration)
    if not nodes:
        return {}
    skus = {sku: (item, factor) for sku, item, factor in SkuMap.objects.filter(
        integration=integration, active=True, erp_item__gt="").values_list("walmart_sku", "erp_item", "factor")}
    wanted = defaultdict(lambda: defaultdict(Decimal))  # warehouse -> item -> quantity
    origin = {}
    use_available = integration.inventory_in_quantity == integration.InventoryInQuantity.AVAILABLE
    for inventory in WalmartListings(integration.walmart).iter_inventories():
        if inventory.sku not in skus:
            continue
        item, factor = skus[inventory.sku]
        for node in inventory.nodes:
            if node.ship_node not in nodes:
                continue
            quantity = node.available if use_available and node.available is not None else node.quantity
            warehouse = nodes[node.ship_node]
            wanted[warehouse][item] += Decimal(quantity) * factor
            origin[(warehouse, item)] = (inventory.sku, node.ship_node)
    result = {}
    for warehouse, items in wanted.items():
        erp = {lvl.item: lvl.available for lvl in adapter.stock_snapshot(sorted(items), warehouse)}
        written = dict(StockWritten.objects.filter(integration=integration, warehouse=warehouse, erp_item__in=list(items))
                       .values_list("erp_item", "quantity"))
        lines = []
        for item, quantity in sorted(items.items()):
            current = erp.get(item) or Decimal(0)
            if quantity != current and quantity != written.get(item):
                lines.append((item, *origin[(warehouse, item)], quantity, current))
        if lines:
            result[warehouse] = lines
    return result


def run(integration, *, adapter=None, retry_now=False):
    adapter = adapter or registry.adapter(integration.erp)
    counts = {"counts_created": 0, "lines": 0}
    open_ = set(StockCount.objects.filter(integration=integration).exclude(
        status__in=[StockCount.Status.POSTED, StockCount.Status.NEEDS_REVIEW]).values_list("warehouse", flat=True))
    for warehouse, lines in differences(integration, adapter).items():
        if warehouse in open_:
            continue  # the last count for this warehouse is not written yet: it goes first
        stamp = clock.now().strftime("%Y%m%d%H%M%S")
        StockCount.objects.create(
            integration=integration, reference=f"WM-{integration.pk}-{warehouse}-{stamp}"[:60], warehouse=warehouse,
            ship_node=lines[0][2], process=not integration.inventory_in_draft_only,
            lines=[{"item": item, "sku": sku, "node": node, "quantity": str(qty), "erp_before": str(before)}
                   for item, sku, node, qty, before in lines])
        counts["counts_created"] += 1
        counts["lines"] += len(lines)
    queryset = StockCount.objects.filter(integration=integration).select_related("integration")
    counts["post"] = posting.run(StockCountJob(), queryset, adapter, retry_now=retry_now)
    return counts


def plan(integration, *, adapter=None):
    adapter = adapter or registry.adapter(integration.erp)
    return [{"warehouse": warehouse, "item": item, "sku": sku, "ship_node": node, "erp": before, "walmart": qty}
            for warehouse, lines in differences(integration, adapter).items()
            for item, sku, node, qty, before in lines]
