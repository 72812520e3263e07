"""Bulk feeds in the Walmart emulator, driven through the real client over HTTP: the lifecycle on the
sandbox clock, per-record errors, exactly-once application, file checks, throttles and paging."""

import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from django.db import connection as db_connection

from connectors import http
from connectors.errors import PermanentError, RecoverableError
from connectors.models import Connection, RateLimitBucket
from connectors.walmart.listings import WalmartListings
from sandbox import catalog, clock, credentials
from sandbox.walmart.seed import provision_connection
from sandbox.walmart_listings.models import Change, Feed, Listing, StockLevel
from sandbox.walmart_listings.seed import seed_account

BIG = {"count": 30, "window": 3600, "file_size": 1_000_000}
ROOMY = {t: BIG for t in ("inventory", "MP_INVENTORY", "price", "PRICE_AND_PROMOTION", "MP_ITEM")}


def seller(sandbox, **settings):
    settings.setdefault("feed_throttles", ROOMY)
    conn = provision_connection("wm", sandbox, **settings)
    account = credentials.find_account("walmart", conn.typed_config.client_id)
    seed_account(account)
    return WalmartListings(conn), account


def quantity(account, sku, node):
    return StockLevel.objects.get(listing__account=account, listing__sku=sku, ship_node=node).quantity


def mp_inventory(rows):
    return {"inventoryHeader": {"version": "1.5"}, "inventory": [
        {"sku": sku, "shipNodes": [{"shipNode": node, "quantity": {"unit": "EACH", "amount": qty}}]} for sku, node, qty in rows]}


SKU_A, SKU_B = catalog.items()[0].sku, catalog.items()[1].sku
DALLAS, RENO = catalog.SHIP_NODES[0].ship_node, catalog.SHIP_NODES[1].ship_node


def test_feed_goes_received_inprogress_processed_and_is_applied_once(sandbox, advance):
    client, account = seller(sandbox)
    assert catalog.items()[0].stock["DAL"] != 77
    feed_id = client.submit_feed("MP_INVENTORY", mp_inventory([(SKU_A, DALLAS, 77), ("NO-SUCH-SKU", DALLAS, 5), (SKU_B, RENO, 3)]))

    received = client.feed_status(feed_id)
    assert (received.status, received.received, received.items) == ("RECEIVED", 0, ())
    advance(5)
    running = client.feed_status(feed_id)
    assert (running.status, running.received, running.processing) == ("INPROGRESS", 3, 3)
    assert {i.status for i in running.items} == {"INPROGRESS"}
    assert quantity(account, SKU_A, DALLAS) == catalog.items()[0].stock["DAL"]
    assert not Change.objects.filter(feed__feed_id=feed_id).exists()
    advance(10)
    done = client.feed_status(feed_id)
    assert done.done and (done.status, done.received, done.succeeded, done.failed) == ("PROCESSED", 3, 2, 1)
    unknown = next(i for i in done.items if i.sku == "NO-SUCH-SKU")
    assert unknown.status == "DATA_ERROR"
    assert [(e.code, e.description) for e in unknown.errors] == [("ERR_EXT_DATA_0101", "SKU not found")]
    assert (quantity(account, SKU_A, DALLAS), quantity(account, SKU_B, RENO)) == (77, 3)

    # Reading again (status, list, inventory) never applies the feed a second time.
    client.feed_status(feed_id)
    client.list_feeds()
    assert client.get_inventory(SKU_A, DALLAS) == 77
    assert Change.objects.filter(feed__feed_id=feed_id).count() == 2


@pytest.mark.postgres_only
def test_concurrent_readers_apply_a_due_feed_once(sandbox, advance):
    if db_connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a real database; the SQLite test DB is in memory with table locks")
    client, account = seller(sandbox)
    rows = [(item.sku, DALLAS, 500 + n) for n, item in enumerate(catalog.items()[:20])]
    feed_id = client.submit_feed("MP_INVENTORY", mp_inventory(rows))
    advance(15)

    def read(_):
        try:
            return client.feed_status(feed_id).succeeded
        finally:
            db_connection.close()  # this thread's own connection, or the test database cannot be dropped

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(read, range(8)))
    assert results == [20] * 8
    assert Change.objects.filter(feed__feed_id=feed_id).count() == 20
    assert quantity(account, rows[-1][0], DALLAS) == 519


def test_inventory_reads_apply_due_feeds_without_anyone_reading_the_feed(sandbox, advance):
    client, account = seller(sandbox, feed_received_seconds=1, feed_processing_seconds=2)
    assert catalog.items()[0].stock["RNO"] != 12
    client.submit_feed("inventory", {"InventoryHeader": {"version": "1.4"},
                                     "Inventory": [{"sku": SKU_A, "quantity": {"unit": "EACH", "amount": 12}}]},
                       ship_node=RENO)
    assert client.get_inventory(SKU_A, RENO) == catalog.items()[0].stock["RNO"]
    advance(3)
    assert client.get_inventory(SKU_A, RENO) == 12


def test_price_feed_updates_prices_exactly(sandbox, advance):
    client, account = seller(sandbox)
    feed_id = client.submit_feed("price", {"PriceHeader": {"version": "1.7"}, "Price": [
        {"sku": SKU_A, "pricing": [{"currentPriceType": "BASE", "currentPrice": {"currency": "USD", "amount": Decimal("12.34")}}]},
        {"sku": SKU_B, "pricing": [{"currentPriceType": "BASE", "currentPrice": {"currency": "USD", "amount": Decimal("0")}}]},
    ]})
    advance(15)
    status = client.feed_status(feed_id)
    assert (status.succeeded, status.failed) == (1, 1)
    assert Listing.objects.get(account=account, sku=SKU_A).price == Decimal("12.34")
    assert Listing.objects.get(account=account, sku=SKU_B).price == catalog.items()[1].price


def test_price_and_promotion_and_item_feeds(sandbox, advance):
    client, account = seller(sandbox)
    promo = client.submit_feed("PRICE_AND_PROMOTION", {
        "MPItemFeedHeader": {"businessUnit": "WALMART_US", "version": "2.0.20240126-12_25_52-api", "locale": "en"},
        "MPItem": [{"Promo&Discount": {"sku": SKU_A, "price": Decimal("11.00"), "msrp": 15}}]})
    item = client.submit_feed("MP_ITEM", {
        "MPItemFeedHeader": {"version": "1.5", "processMode": "REPLACE", "locale": "en"},
        "MPItem": [{"Orderable": {"sku": "NEW-SKU-1", "productName": "Brand New Kettle", "price": Decimal("24.50"),
                                  "productIdentifiers": {"productIdType": "GTIN", "productId": "00881234999991"}},
                    "Visible": {"Kitchen": {"shortDescription": "A kettle"}}}]})
    advance(15)
    assert client.feed_status(promo).succeeded == 1 and client.feed_status(item).succeeded == 1
    assert Listing.objects.get(account=account, sku=SKU_A).price == Decimal("11.00")
    created = Listing.objects.get(account=account, sku="NEW-SKU-1")
    assert (created.product_name, created.price, created.upc) == ("Brand New Kettle", Decimal("24.50"), "881234999991")


@pytest.mark.parametrize("content", [b"{not json", json.dumps({"InventoryHeader": {"version": "1.4"}, "Inventory": [
    {"sku": "X", "quantity": {"unit": "PALLET", "amount": 1}}]}).encode()])
def test_an_unreadable_or_invalid_file_ends_in_error(sandbox, advance, content):
    client, account = seller(sandbox)
    response = http.send(client.connection, "POST", "/v3/feeds", params={"feedType": "inventory"}, bucket="feeds.inventory",
                         files={"file": ("inventory.json", content, "application/json")})
    feed_id = response.json()["feedId"]
    advance(15)
    status = client.feed_status(feed_id)
    assert status.done and status.status == "ERROR" and status.received == 0
    assert status.errors and status.errors[0].type == "DATA_ERROR"
    assert not Change.objects.exists()


def test_a_raw_json_body_is_accepted_like_a_file(sandbox, advance):
    client, account = seller(sandbox)
    response = http.send(client.connection, "POST", "/v3/feeds", params={"feedType": "MP_INVENTORY"}, bucket="feeds.inventory",
                         json=mp_inventory([(SKU_A, DALLAS, 9)]))
    advance(15)
    assert client.feed_status(response.json()["feedId"]).succeeded == 1
    assert quantity(account, SKU_A, DALLAS) == 9


def test_file_size_limit(sandbox):
    client, account = seller(sandbox, feed_throttles={"MP_INVENTORY": {"file_size": 2048}})
    rows = [(item.sku, DALLAS, 1) for item in catalog.items()[:40]]
    payload = mp_inventory(rows)
    # The client refuses before sending when it knows the limit...
    limit = client.partner_profile().feed_throttles["MP_INVENTORY"].file_size_bytes
    with pytest.raises(PermanentError, match="over the 2048-byte limit"):
        client.submit_feed("MP_INVENTORY", payload, max_bytes=limit)
    # ...and Walmart answers 413 when it does not.
    with pytest.raises(PermanentError) as refused:
        client.submit_feed("MP_INVENTORY", payload)
    assert refused.value.status == 413
    with pytest.raises(PermanentError, match="limit is 2048 bytes"):  # a raw JSON body likewise
        http.send(client.connection, "POST", "/v3/feeds", params={"feedType": "MP_INVENTORY"}, json=payload)
    assert not Feed.objects.exists()


def test_feed_throttle_gives_429_with_headers_and_blocks_the_shared_bucket(sandbox):
    client, account = seller(sandbox, feed_throttles={"MP_INVENTORY": {"count": 2, "window": 3600}})
    client.submit_feed("MP_INVENTORY", mp_inventory([(SKU_A, DALLAS, 1)]))
    client.submit_feed("MP_INVENTORY", mp_inventory([(SKU_A, DALLAS, 2)]))
    # The emulator said "0 left" on the second answer, so our limiter already holds the third call back;
    # clear that to see Walmart's own 429 (a second worker without our limiter would get it too).
    RateLimitBucket.objects.filter(connection=client.connection).delete()
    with pytest.raises(RecoverableError) as throttled:
        client.submit_feed("MP_INVENTORY", mp_inventory([(SKU_A, DALLAS, 3)]))
    assert throttled.value.status == 429 and 1700 <= throttled.value.retry_after <= 1801  # one token every 1800 s
    bucket = RateLimitBucket.objects.get(connection=client.connection, key="feeds.inventory")
    assert bucket.blocked_until > clock.now() and bucket.throttled == 1
    with pytest.raises(RecoverableError, match="Rate limit"):
        client.submit_feed("MP_INVENTORY", mp_inventory([(SKU_A, DALLAS, 4)]))
    assert Feed.objects.count() == 2
    # Other feed types have their own throttle.
    client.submit_feed("price", {"PriceHeader": {"version": "1.7"}, "Price": [
        {"sku": SKU_A, "pricing": [{"currentPriceType": "BASE", "currentPrice": {"currency": "USD", "amount": 5}}]}]})


def test_raw_429_carries_walmarts_headers(sandbox):
    client, account = seller(sandbox, feed_throttles={"inventory": {"count": 1, "window": 3600}})
    client.partner_profile()  # obtains a token
    conn = Connection.objects.get(pk=client.connection.pk)
    headers = {"WM_SEC.ACCESS_TOKEN": conn.access_token, "WM_SVC.NAME": "Walmart Marketplace", "WM_QOS.CORRELATION_ID": "c-1"}
    body = json.dumps({"InventoryHeader": {"version": "1.4"}, "Inventory": [{"sku": SKU_A, "quantity": {"unit": "EACH", "amount": 1}}]})
    url = f"{sandbox}/sandbox/walmart/v3/feeds?feedType=inventory"
    assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200
    second = requests.post(url, data=body, headers=headers, timeout=10)
    assert second.status_code == 429
    assert second.headers["X-Current-Token-Count"] == "0"
    assert int(second.headers["X-Next-Replenishment-Time"]) > clock.now().timestamp() * 1000
    assert int(second.headers["Retry-After"]) > 3000
    assert second.json()["errors"]["error"][0]["code"].startswith("REQUEST_THRESHOLD_VIOLATED")


def test_feed_details_are_followed_to_the_last_page(sandbox, advance):
    client, account = seller(sandbox)
    rows = [(item.sku, DALLAS, n) for n, item in enumerate(catalog.items()[:7])] + [("UNKNOWN-1", DALLAS, 1)]
    feed_id = client.submit_feed("MP_INVENTORY", mp_inventory(rows))
    advance(15)
    status = client.feed_status(feed_id, page_size=3)
    assert [i.index for i in status.items] == list(range(8))
    assert (status.succeeded, status.failed) == (7, 1)
    summary = client.feed_status(feed_id, include_details=False)
    assert summary.items == () and summary.succeeded == 7


def test_list_feeds_pages_newest_first_and_filters_by_id(sandbox, advance):
    client, account = seller(sandbox)
    ids = []
    for n in range(3):
        ids.append(client.submit_feed("MP_INVENTORY", mp_inventory([(SKU_A, DALLAS, n)])))
        advance(1)
    assert [f.feed_id for f in client.iter_feeds(page_size=2)] == ids[::-1]
    page = client.list_feeds(feed_id=ids[0])
    assert page.total == 1 and page.feeds[0].feed_id == ids[0] and page.feeds[0].feed_type == "MP_INVENTORY"


def test_an_unknown_feed_type_is_refused(sandbox):
    client, account = seller(sandbox)
    with pytest.raises(PermanentError) as refused:
        http.send(client.connection, "POST", "/v3/feeds", params={"feedType": "LAGTIME"}, json={"a": 1})
    assert refused.value.status == 400 and "feedType" in str(refused.value)


def test_a_feed_that_finishes_while_its_details_are_paged_is_read_again(sandbox, advance):
    client, account = seller(sandbox)
    feed_id = client.submit_feed("MP_INVENTORY", mp_inventory([(item.sku, DALLAS, 1) for item in catalog.items()[:8]]))
    advance(6)
    pages = []

    def finish_after_first_page(response, *args, **kwargs):
        if "/v3/feeds/" in response.request.url:
            pages.append(response.json()["feedStatus"])
            if len(pages) == 1:
                advance(10)

    hooks = http.session().hooks["response"]
    hooks.append(finish_after_first_page)
    try:
        status = client.feed_status(feed_id, page_size=3)
    finally:
        hooks.remove(finish_after_first_page)
    assert pages == ["INPROGRESS", "PROCESSED", "PROCESSED", "PROCESSED", "PROCESSED"]
    assert status.status == "PROCESSED" and [i.status for i in status.items] == ["SUCCESS"] * 8
