"""inventory_in: Walmart's quantities at the ship nodes synced "in" become one Exact Online stock count
per warehouse, through the real adapter and the Exact emulator; a second run writes nothing, and a
lost answer on the create is found, never doubled."""

import pytest
from django.core.exceptions import ValidationError

from connectors import clock, registry
from mappings.models import ShipNodeMap, SkuMap
from sandbox import stats
from sandbox.models import Fault
from sandbox.walmart_listings.models import StockLevel
from syncs import flows
from syncs.models import StockCount
from syncs.stock import inventory_in
from tests.stock.conftest import enable, walmart_account


@pytest.fixture
def exact(demo):
    integration = enable("demo-exact", "inventory_in")
    ShipNodeMap.objects.filter(integration=integration, ship_node="721407").update(stock_sync="in")
    # Walmart's quantities move (orders, the seller's edits in Seller Center) for three SKUs.
    rows = StockLevel.objects.filter(listing__account=walmart_account(integration), ship_node="721407").order_by("listing__sku")
    for n, row in enumerate(rows[:3]):
        StockLevel.objects.filter(pk=row.pk).update(quantity=row.quantity + 5 + n)
    return integration


def walmart_available(integration, node="721407"):
    account = walmart_account(integration)
    return {s.listing.sku: s.quantity - s.reserved
            for s in StockLevel.objects.filter(listing__account=account, ship_node=node).select_related("listing")}


def exact_stock(integration, items, warehouse):
    adapter = registry.adapter(integration.erp)
    return {level.item: level.available for level in adapter.stock_snapshot(items, warehouse)}


def test_exact_stock_equals_walmart_after_a_run_and_a_second_run_writes_nothing(exact):
    node = ShipNodeMap.objects.get(integration=exact, ship_node="721407")
    planned = inventory_in.plan(exact)
    assert len(planned) >= 3
    counts = flows.run(exact, "inventory_in")
    assert counts["counts_created"] == 1 and counts["post"] == {"posted": 1}
    count = StockCount.objects.get(integration=exact)
    assert count.status == "posted" and count.erp_document_number
    walmart = walmart_available(exact)
    skus = dict(SkuMap.objects.filter(integration=exact, walmart_sku__in=list(walmart)).values_list("walmart_sku", "erp_item"))
    in_exact = exact_stock(exact, sorted(skus.values()), node.warehouse)
    for sku, item in skus.items():
        assert in_exact.get(item, 0) == walmart[sku], sku
    again = flows.run(exact, "inventory_in")
    assert again["counts_created"] == 0 and StockCount.objects.count() == 1
    assert stats.collect()["exact_online"]["documents"]["stock_counts"] == 1


def test_a_lost_answer_on_the_stock_count_is_found_not_doubled(exact, advance):
    Fault.objects.create(system="exact_online", mode="drop_after_commit", method="POST", path_contains="StockCounts",
                         starts_at=clock.now())
    counts = flows.run(exact, "inventory_in")
    Fault.objects.all().delete()
    count = StockCount.objects.get(integration=exact)
    assert counts["post"] in ({"posted": 1}, {"retry_wait": 1})
    if count.status == "retry_wait":
        advance(3600)
        flows.run(exact, "inventory_in", retry_now=True)
        count.refresh_from_db()
    assert count.status == "posted"
    assert stats.collect()["exact_online"]["duplicate_references"] == 0
    assert stats.collect()["exact_online"]["documents"]["stock_counts"] == 1


def test_a_node_cannot_be_synced_both_ways(exact):
    ifs = enable("demo-ifs", "inventory_out")
    mapping = ShipNodeMap.objects.get(integration=exact, ship_node="721407")
    with pytest.raises(ValidationError, match="not both"):
        mapping.full_clean()
    assert ShipNodeMap.objects.get(integration=ifs, ship_node="721407").stock_sync == "out"
