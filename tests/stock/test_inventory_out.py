"""inventory_out end to end: IFS Cloud's stock through the real adapter and the Walmart feed
emulator, over HTTP. Only changed SKU × node lines go out; Walmart ends with what we computed."""

from decimal import Decimal

import pytest

from mappings.models import ShipNodeMap, SkuMap
from sandbox import stats
from sandbox.ifs_cloud import levels as ifs_levels
from sandbox.walmart_listings.models import Feed as WalmartFeed
from sandbox.walmart_listings.models import StockLevel
from syncs import flows
from syncs.models import Feed, InventoryState
from syncs.stock import guard, inventory_out
from tests.stock.conftest import enable, walmart_account


def out_lines(integration):
    skus = SkuMap.objects.filter(integration=integration, active=True).exclude(erp_item="").count()
    nodes = inventory_out.out_nodes(integration).count()
    return skus * nodes


def walmart_quantities(account):
    return {(s.listing.sku, s.ship_node): s.quantity
            for s in StockLevel.objects.filter(listing__account=account).select_related("listing")}


@pytest.fixture
def ifs(demo):
    return enable("demo-ifs", "inventory_out")


def test_first_run_sends_every_line_then_only_what_changed(ifs, advance):
    account = walmart_account(ifs)
    first = flows.run(ifs, "inventory_out")
    assert first["lines"] == out_lines(ifs) > 0
    assert first["submit"] == {"submitted": first["feeds"]}
    advance(70)
    tracked = inventory_out.work_feeds(ifs)
    assert tracked["track"] == {"processed": first["feeds"]}
    on_walmart = walmart_quantities(account)
    for state in InventoryState.objects.filter(integration=ifs):
        assert state.sent == state.desired == on_walmart[(state.sku, state.ship_node)], state
        assert state.in_flight is None and state.feed_id is None

    # Five items change in IFS: exactly their SKU × node lines go, in one feed.
    states = list(InventoryState.objects.filter(integration=ifs, warehouse="DAL1").order_by("sku")[:5])
    for n, state in enumerate(states):
        ifs_levels.set_stock(state.erp_item, "DAL1", (state.erp_available or 0) + 7 + n)
    before = WalmartFeed.objects.count()
    second = flows.run(ifs, "inventory_out")
    changed = {(s.sku, s.ship_node) for s in states}
    assert second["lines"] == 5 and second["feeds"] == 1
    assert set(InventoryState.objects.filter(integration=ifs).exclude(feed=None).values_list("sku", "ship_node")) == changed
    assert WalmartFeed.objects.count() == before + 1
    advance(70)
    inventory_out.work_feeds(ifs)
    on_walmart = walmart_quantities(account)
    for state in InventoryState.objects.filter(integration=ifs, sku__in=[s.sku for s in states], ship_node=states[0].ship_node):
        assert on_walmart[(state.sku, state.ship_node)] == state.desired == state.sent

    # Nothing changed: nothing is sent.
    third = flows.run(ifs, "inventory_out")
    assert (third["lines"], third["feeds"]) == (0, 0)
    assert WalmartFeed.objects.count() == before + 1


def test_quantity_is_stock_minus_reservations_minus_buffer_never_below_zero(ifs):
    flows.run(ifs, "inventory_out")
    state = InventoryState.objects.filter(integration=ifs, warehouse="DAL1", desired__gt=3).first()
    assert state is not None
    ifs.safety_buffer = 2
    ifs.save()
    SkuMap.objects.filter(integration=ifs, walmart_sku=state.sku).update(factor=Decimal("2"))
    ifs_levels.set_stock(state.erp_item, "DAL1", 11)
    flows.run(ifs, "inventory_out")
    state.refresh_from_db()
    assert (state.erp_available, state.buffer, state.desired) == (Decimal("11"), 2, 11 // 2 - 2)
    node = ShipNodeMap.objects.get(integration=ifs, ship_node=state.ship_node)
    node.safety_buffer = 9
    node.save()
    flows.run(ifs, "inventory_out")
    state.refresh_from_db()
    assert (state.buffer, state.desired) == (9, 0)

    ifs_levels.set_stock(state.erp_item, "DAL1", -3)
    node.safety_buffer = None
    node.save()
    flows.run(ifs, "inventory_out")
    state.refresh_from_db()
    assert state.desired == 0 and state.error_kind == "erp" and "negative" in state.error


def test_a_run_with_nothing_changed_sends_nothing(ifs, advance):
    flows.run(ifs, "inventory_out")
    advance(70)
    inventory_out.work_feeds(ifs)
    calls_before = stats.collect()["walmart"]["documents"].get("feeds")
    again = flows.run(ifs, "inventory_out")
    assert again["lines"] == 0 and again["feeds"] == 0
    assert stats.collect()["walmart"]["documents"].get("feeds") == calls_before
    assert Feed.objects.filter(integration=ifs).count() == 1


def test_an_order_taking_the_last_unit_pushes_zero_at_once(ifs, advance):
    from sandbox.walmart_listings.models import Change
    from syncs.orders.validate import validate
    from tests.syncs.orderkit import add_order

    flows.run(ifs, "inventory_out")
    advance(70)
    inventory_out.work_feeds(ifs)
    state = InventoryState.objects.filter(integration=ifs, warehouse="DAL1", sent__gt=0).order_by("sku").first()
    ifs_levels.set_stock(state.erp_item, "DAL1", 1)
    flows.run(ifs, "inventory_out")
    advance(70)
    inventory_out.work_feeds(ifs)
    state.refresh_from_db()
    assert state.sent == 1
    order = add_order(ifs, "9100000001", [(state.sku, 1, "10.00", "0.80", "0")], ship_node=state.ship_node)
    counts = validate(ifs)
    assert counts.get("ready") == 1 and counts.get("zero_flagged") == 1
    assert guard.push_zeros(ifs) == 1  # what orders_in does right after validating
    account = walmart_account(ifs)
    assert walmart_quantities(account)[(state.sku, state.ship_node)] == 0
    assert Change.objects.filter(sku=state.sku, ship_node=state.ship_node, source__icontains="inventories").exists()
    state.refresh_from_db()
    assert (state.sent, state.push_zero) == (0, False)
    # The next feed agrees: the order's reservation keeps the offer at 0.
    assert flows.run(ifs, "inventory_out")["lines"] == 0
    state.refresh_from_db()
    assert (state.reserved, state.desired) == (1, 0)
    order.refresh_from_db()
    assert order.status == "ready"


def test_orders_in_pushes_the_zero_in_the_same_run(ifs):
    from tests.syncs.orderkit import add_order

    flows.run(ifs, "inventory_out")
    state = InventoryState.objects.filter(integration=ifs, warehouse="DAL1", desired__gt=0).order_by("sku").first()
    InventoryState.objects.filter(pk=state.pk).update(sent=1)
    ifs_levels.set_stock(state.erp_item, "DAL1", 1)
    add_order(ifs, "9100000002", [(state.sku, 1, "10.00", "0.80", "0")], ship_node=state.ship_node)
    counts = flows.run(ifs, "orders_in", poll=False)
    assert counts["validate"]["ready"] == 1 and counts["zeros"] == 1
    assert walmart_quantities(walmart_account(ifs))[(state.sku, state.ship_node)] == 0


def test_a_non_numeric_erp_quantity_offers_zero_and_says_so(demo):
    from sandbox.infor_m3 import levels as m3_levels

    m3 = enable("demo-m3", "inventory_out")
    flows.run(m3, "inventory_out")
    state = InventoryState.objects.filter(integration=m3, warehouse="DAL", desired__gt=0).order_by("sku").first()
    m3_levels.set_stock(state.erp_item, "DAL", "N/A")
    counts = flows.run(m3, "inventory_out")
    state.refresh_from_db()
    assert state.desired == 0 and state.error_kind == "erp" and "not a number (N/A)" in state.error
    assert counts["lines"] >= 0
