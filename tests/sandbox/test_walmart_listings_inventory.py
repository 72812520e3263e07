"""Inventory in the Walmart emulator through the real client: one node, many nodes, all SKUs paged."""

import pytest

from connectors import http
from connectors.errors import PermanentError
from connectors.walmart.listings import WalmartListings
from sandbox import catalog, credentials
from sandbox.walmart.seed import provision_connection
from sandbox.walmart_listings.models import Change, Listing, StockLevel
from sandbox.walmart_listings.seed import seed_account

ITEM = catalog.items()[4]
DALLAS, RENO, ATLANTA, WFS = (n.ship_node for n in catalog.SHIP_NODES)
CHICAGO = catalog.UNMAPPED_SHIP_NODE.ship_node


@pytest.fixture
def client(sandbox):
    conn = provision_connection("wm", sandbox)
    seed_account(credentials.find_account("walmart", conn.typed_config.client_id))
    return WalmartListings(conn)


def test_single_node_read_and_update(client):
    assert client.get_inventory(ITEM.sku, RENO) == ITEM.stock["RNO"]
    assert client.get_inventory(ITEM.sku) == ITEM.stock["DAL"]  # the default node is the first seller node
    assert client.update_inventory(ITEM.sku, 41, RENO) == 41
    assert client.get_inventory(ITEM.sku, RENO) == 41
    change = Change.objects.get(sku=ITEM.sku)
    assert (change.ship_node, change.old_value, change.new_value, change.source) == (RENO, ITEM.stock["RNO"], 41, "PUT /v3/inventory")


def test_multi_node_read_and_update(client):
    seen = client.sku_inventory(ITEM.sku)
    assert {n.ship_node: n.quantity for n in seen.nodes} == {
        DALLAS: ITEM.stock["DAL"], RENO: ITEM.stock["RNO"], ATLANTA: ITEM.stock["ATL"], CHICAGO: 0}
    assert all(n.available == n.quantity and n.reserved == 0 for n in seen.nodes)
    result = client.update_sku_inventory(ITEM.sku, {DALLAS: 5, CHICAGO: 6, WFS: 7, "999999": 8})
    assert result == {DALLAS: "Success", CHICAGO: "Success", WFS: "Failed", "999999": "Failed"}
    assert {n.ship_node: n.quantity for n in client.sku_inventory(ITEM.sku).nodes}[CHICAGO] == 6
    assert [n.quantity for n in client.sku_inventory(ITEM.sku, DALLAS).nodes] == [5]


def test_availability_subtracts_reserved_units(client):
    StockLevel.objects.filter(listing__sku=ITEM.sku, ship_node=DALLAS).update(quantity=10, reserved=3)
    node = client.sku_inventory(ITEM.sku, DALLAS).nodes[0]
    assert (node.quantity, node.available, node.reserved) == (10, 7, 3)


def test_all_inventories_are_paged_to_the_last_page(client):
    skus = [inv.sku for inv in client.iter_inventories(page_size=50)]
    expected = [i.sku for i in catalog.items() + catalog.unmapped_items()]
    assert skus == expected  # 305 SKUs: six full pages and a last one of 5, each cursor used once


def test_errors_are_permanent_with_walmarts_codes(client):
    with pytest.raises(PermanentError) as missing:
        client.get_inventory("NO-SUCH-SKU", DALLAS)
    assert missing.value.status == 404 and missing.value.vendor_code.startswith("CONTENT_NOT_FOUND")
    with pytest.raises(PermanentError) as wfs:
        client.update_inventory(ITEM.sku, 3, WFS)
    assert wfs.value.status == 400 and "Walmart-fulfilled" in str(wfs.value)
    with pytest.raises(PermanentError) as negative:
        client.update_inventory(ITEM.sku, -1, DALLAS)
    assert negative.value.status == 400
    with pytest.raises(PermanentError) as too_many:
        http.send(client.connection, "GET", "/v3/inventories", params={"limit": 51})
    assert too_many.value.status == 400
    assert not Change.objects.exists()


def test_skus_with_reserved_characters_travel_encoded(client):
    account = credentials.find_account("walmart", client.connection.typed_config.client_id)
    listing = Listing.objects.create(account=account, sku="AB/12 #3", wpid="X", product_name="Odd SKU")
    StockLevel.objects.create(listing=listing, ship_node=DALLAS, quantity=2)
    assert client.sku_inventory("AB/12 #3").nodes[0].quantity == 2
    assert client.get_inventory("AB/12 #3", DALLAS) == 2
