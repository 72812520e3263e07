"""Items, the single price update, seller settings, seeding and stats of the Walmart listings emulator."""

from decimal import Decimal

import pytest

from connectors import http
from connectors.errors import PermanentError
from connectors.walmart.listings import WalmartListings
from sandbox import catalog, credentials
from sandbox import stats as sandbox_stats
from sandbox.walmart.seed import provision_connection
from sandbox.walmart_listings import stats
from sandbox.walmart_listings.models import Change, Listing, StockLevel
from sandbox.walmart_listings.seed import seed_account

ALL = catalog.items() + catalog.unmapped_items()


@pytest.fixture
def account_and_client(sandbox):
    conn = provision_connection("wm", sandbox, feed_throttles={"MP_INVENTORY": {"count": 50, "file_size": 5242880}})
    account = credentials.find_account("walmart", conn.typed_config.client_id)
    seed_account(account)
    return account, WalmartListings(conn)


def test_every_item_is_listed_following_the_cursor(account_and_client):
    account, client = account_and_client
    items = list(client.iter_items(page_size=100))
    assert [i.sku for i in items] == [i.sku for i in ALL]
    first = items[0]
    assert (first.gtin, first.price, first.currency, first.published_status, first.lifecycle_status) == (
        ALL[0].gtin, ALL[0].price, "USD", "PUBLISHED", "ACTIVE")
    assert isinstance(first.price, Decimal) and len(first.wpid) == 12


def test_items_offset_paging_and_filters(account_and_client):
    account, client = account_and_client
    page = http.send(client.connection, "GET", "/v3/items", params={"offset": 300, "limit": 20}).json()
    assert page["totalItems"] == 305 and [i["sku"] for i in page["ItemResponse"]] == [i.sku for i in ALL[300:]]
    assert "nextCursor" not in page
    Listing.objects.filter(account=account, sku=ALL[3].sku).update(published_status="UNPUBLISHED")
    assert [i.sku for i in client.iter_items(publishedStatus="UNPUBLISHED")] == [ALL[3].sku]
    assert [i.sku for i in client.iter_items(sku=ALL[7].sku)] == [ALL[7].sku]


def test_single_item_by_sku_or_gtin(account_and_client):
    account, client = account_and_client
    by_sku = http.send(client.connection, "GET", f"/v3/items/{ALL[2].sku}", params={"productIdType": "SKU"}).json()
    by_gtin = http.send(client.connection, "GET", f"/v3/items/{ALL[2].gtin}", params={"productIdType": "GTIN"}).json()
    assert by_sku == by_gtin and by_sku["ItemResponse"][0]["sku"] == ALL[2].sku
    with pytest.raises(PermanentError) as missing:
        http.send(client.connection, "GET", "/v3/items/NOPE", params={"productIdType": "SKU"})
    assert missing.value.status == 404


def test_single_price_update(account_and_client):
    account, client = account_and_client
    message = client.update_price(ALL[0].sku, Decimal("19.95"))
    assert "price has been updated" in message
    assert Listing.objects.get(account=account, sku=ALL[0].sku).price == Decimal("19.95")
    assert next(client.iter_items(sku=ALL[0].sku)).price == Decimal("19.95")
    with pytest.raises(PermanentError) as unknown:
        client.update_price("NO-SUCH-SKU", Decimal("1.00"))
    assert unknown.value.status == 404
    with pytest.raises(ValueError):
        client.update_price(ALL[0].sku, Decimal("0.1000000000000000055511151231257827"))
    assert Change.objects.filter(kind="price").count() == 1


def test_partner_profile_reports_the_feed_throttles(account_and_client):
    account, client = account_and_client
    profile = client.partner_profile()
    assert profile.account_status == "ACTIVE" and profile.partner_id
    assert profile.feed_throttles["MP_INVENTORY"].count == 50
    assert profile.feed_throttles["MP_INVENTORY"].file_size_bytes == 5242880
    assert profile.feed_throttles["inventory"].count == 30 and profile.feed_throttles["inventory"].file_size_bytes == 2048
    assert profile.feed_throttles["price"].window_seconds == 3600


def test_ship_nodes_include_the_unmapped_one(account_and_client):
    account, client = account_and_client
    nodes = {n.ship_node: n for n in client.ship_nodes()}
    assert set(nodes) == {n.ship_node for n in catalog.SHIP_NODES} | {catalog.UNMAPPED_SHIP_NODE.ship_node}
    assert nodes["721407"].node_type == "PHYSICAL" and nodes["721499"].node_type == "3PL"


def test_seeding_is_idempotent_and_keeps_changes(account_and_client):
    account, client = account_and_client
    client.update_inventory(ALL[0].sku, 99, "721407")
    assert seed_account(account) == 0
    assert Listing.objects.filter(account=account).count() == 305
    assert StockLevel.objects.filter(listing__account=account).count() == 305 * 4  # WFS stock is Walmart's
    assert client.get_inventory(ALL[0].sku, "721407") == 99


def test_stats(account_and_client):
    account, client = account_and_client
    client.update_price(ALL[0].sku, Decimal("5.00"))
    client.update_inventory(ALL[0].sku, 1, "721407")
    client.update_sku_inventory(ALL[1].sku, {"721407": 2, "721408": 3})
    client.submit_feed("MP_INVENTORY", {"inventoryHeader": {"version": "1.5"}, "inventory": [
        {"sku": ALL[0].sku, "shipNodes": [{"shipNode": "721407", "quantity": {"unit": "EACH", "amount": 4}}]}]})
    counts = stats.documents()
    assert {k: counts[k] for k in ("feeds", "price_updates", "inventory_updates")} == {
        "feeds": 1, "price_updates": 1, "inventory_updates": 3}
    assert stats.duplicate_references() == 0
    walmart = sandbox_stats.collect()["walmart"]
    assert walmart["documents"]["feeds"] >= 1 and walmart["duplicate_references"] == 0
