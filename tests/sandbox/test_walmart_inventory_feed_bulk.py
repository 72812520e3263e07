"""Inventory feeds applied set-based: the same outcomes as record by record (file order, whole
records, new stock rows, the ledger), a constant number of queries whatever the file's size, and
jsonschema still deciding what the fast pre-check does not recognise."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sandbox import catalog, clock
from sandbox.walmart_listings import feeds
from sandbox.walmart_listings.models import Change, Feed, FeedItem, StockLevel
from tests.sandbox.test_walmart_listings_feeds import DALLAS, RENO, SKU_A, SKU_B, mp_inventory, quantity, seller

WFS = next(n.ship_node for n in catalog.SHIP_NODES if n.node_type == "WFSFulfilled")


def test_file_order_whole_records_and_new_stock_rows(sandbox, advance):
    client, account = seller(sandbox)
    StockLevel.objects.filter(listing__account=account, listing__sku=SKU_B, ship_node=RENO).delete()
    feed_id = client.submit_feed("MP_INVENTORY", {"inventoryHeader": {"version": "1.5"}, "inventory": [
        {"sku": SKU_A, "shipNodes": [{"shipNode": DALLAS, "quantity": {"unit": "EACH", "amount": 5}}]},
        {"sku": SKU_A, "shipNodes": [{"shipNode": DALLAS, "quantity": {"unit": "EACH", "amount": 6}}]},
        # One bad node refuses the whole record: Reno keeps its quantity.
        {"sku": SKU_A, "shipNodes": [{"shipNode": RENO, "quantity": {"unit": "EACH", "amount": 70}},
                                     {"shipNode": WFS, "quantity": {"unit": "EACH", "amount": 1}}]},
        {"sku": SKU_B, "shipNodes": [{"shipNode": RENO, "quantity": {"unit": "EACH", "amount": 9}}]},
        {"sku": SKU_B, "shipNodes": [{"shipNode": DALLAS, "quantity": {"unit": "EACH", "amount": -1}}]},
    ]})
    advance(15)
    status = client.feed_status(feed_id)
    assert (status.succeeded, status.failed) == (3, 2)
    assert [i.status for i in sorted(status.items, key=lambda i: i.index)] == [
        "SUCCESS", "SUCCESS", "DATA_ERROR", "SUCCESS", "DATA_ERROR"]
    assert [e.code for i in status.items if i.index == 2 for e in i.errors] == ["ERR_EXT_DATA_0103"]
    assert quantity(account, SKU_A, DALLAS) == 6
    assert quantity(account, SKU_A, RENO) == catalog.items()[0].stock["RNO"]
    assert quantity(account, SKU_B, RENO) == 9  # a stock row created by the feed
    ledger = [(c.sku, c.ship_node, c.old_value, c.new_value)
              for c in Change.objects.filter(feed__feed_id=feed_id).order_by("id")]
    assert ledger == [(SKU_A, DALLAS, catalog.items()[0].stock["DAL"], 5), (SKU_A, DALLAS, 5, 6), (SKU_B, RENO, 0, 9)]


def test_legacy_inventory_uses_the_default_node_and_schema_has_the_last_word(sandbox, advance):
    client, account = seller(sandbox)
    # 4.0 is an integer to JSON Schema, though not to the fast pre-check.
    body = b'{"InventoryHeader": {"version": "1.4"}, "Inventory": [{"sku": "%s", "quantity": {"unit": "EACH", "amount": 4.0}}]}'
    feed = feeds.submit(account, "inventory", body % SKU_A.encode())
    bad = feeds.submit(account, "inventory", json.dumps({"Inventory": [{"sku": SKU_A, "quantity": {"unit": "BOX", "amount": 1}}]}).encode())
    assert feed.file_errors == [] and bad.file_errors and "BOX" in bad.file_errors[0]["description"]
    advance(15)
    client.list_feeds()
    assert quantity(account, SKU_A, DALLAS) == 4  # the account's default node
    assert Feed.objects.get(pk=bad.pk).lines == 0


def test_applying_a_big_feed_takes_a_constant_number_of_queries(sandbox):
    client, account = seller(sandbox)
    nodes = [n.ship_node for n in catalog.SHIP_NODES if n.node_type != "WFSFulfilled"]
    rows = [(item.sku, node, n % 7) for n, item in enumerate(catalog.items()) for node in nodes]
    small = feeds.submit(account, "MP_INVENTORY", json.dumps(mp_inventory(rows[:10])).encode())
    big = feeds.submit(account, "MP_INVENTORY", json.dumps(mp_inventory(rows)).encode())
    assert big.lines == len(rows) > 500
    clock.advance(60)
    with CaptureQueriesContext(connection) as queries:
        feeds._apply(Feed.objects.get(pk=small.pk), clock.now())
    small_count = len(queries)
    with CaptureQueriesContext(connection) as queries:
        feeds._apply(Feed.objects.get(pk=big.pk), clock.now())
    assert len(queries) == small_count
    assert FeedItem.objects.filter(feed=big, status="SUCCESS").count() == len(rows)
    assert Change.objects.filter(feed=big).count() == len(rows)
    sku, node, expected = rows[-1]
    assert quantity(account, sku, node) == expected
